/**
 * The cause code of a failed export, for `LossSink.lost` (loss-reporter.ts): `HTTP <status>` when the error carries a numeric
 * `code` (OpenTelemetry's OTLP exporter errors do), the errno when it carries a string `code` (`ECONNREFUSED`,
 * `ENOTFOUND`, `ECONNRESET`, … also on its `cause`, as `fetch` errors carry it), `TIMEOUT` for a request that timed out
 * or was aborted, else `ERROR`. A transport reports its failures through the export result's error with a `code` and
 * gets a cause from this.
 *
 * @example
 * lossCause(Object.assign(new Error('Payload Too Large'), { code: 413 })); // 'HTTP 413'
 */
export function lossCause(error: unknown): string {
  const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | undefined)?.cause);
  if (typeof code === 'number') return `HTTP ${code}`;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  if (error instanceof Error && (/timed? ?out|timeout/i.test(error.message) || error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'TIMEOUT';
  }
  // OpenTelemetry's OTLP exporter refuses an export beyond its concurrency limit with no code.
  if (error instanceof Error && /concurrent export limit/i.test(error.message)) return 'CONCURRENCY_LIMIT';
  return 'ERROR';
}

function codeOf(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return undefined;
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code < 600 ? code : typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // a hostile getter
  }
}
