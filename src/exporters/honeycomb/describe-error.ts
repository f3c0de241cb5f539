/** Turns an OTLP export error into one line that says what to do, without the key or the response body. */
export function describeHoneycombError(error: unknown): string {
  const status = typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : undefined;
  if (status === 401 || status === 403) {
    return `Honeycomb rejected the API key (HTTP ${status}). Check the \`honeycombKey\` option or HONEYCOMB_API_KEY, and that the key may send events.`;
  }
  if (status === 404) return 'HTTP 404: the endpoint has no /v1/traces. Check `honeycomb.endpoint` / HONEYCOMB_API_ENDPOINT.';
  if (status === 429) return 'HTTP 429: Honeycomb is rate-limiting this key; spans are dropped until it stops.';
  if (status === 413) return 'HTTP 413: a span too large for Honeycomb even in a request of its own was dropped; the rest of its batch was sent.';
  if (status === 502 || status === 503 || status === 504) return `HTTP ${status}: Honeycomb is unavailable; retried until the export timeout.`;
  if (status !== undefined) return `HTTP ${status} from the Honeycomb endpoint.`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return `ETIMEDOUT: ${error.message} (\`honeycomb.timeoutMillis\`); the request was ended.`;
    return code ? `${code}: ${error.message}` : error.message || error.name;
  }
  return String(error);
}
