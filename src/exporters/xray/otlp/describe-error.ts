import { errorCode } from '../../otlp/export-error';

/**
 * Turns an X-Ray OTLP export error into one line that says what to check. Never prints the endpoint's answer: an AWS
 * signature error echoes the canonical request, which carries the session token. The answer is only read to tell a
 * missing Transaction Search from a missing permission.
 */
export function describeXRayOtlpError(error: unknown): string {
  const code = errorCode(error);
  const body = typeof (error as { body?: unknown } | undefined)?.body === 'string' ? (error as { body: string }).body : '';
  if (code === 401 || code === 403) {
    if (/transaction search|segment destination|cloudwatch ?logs/i.test(body)) {
      return (
        `X-Ray refused the spans (HTTP ${code}): CloudWatch Transaction Search is not enabled for this account and region. ` +
        'Enable it (CloudWatch console, or xray:UpdateTraceSegmentDestination to CloudWatchLogs); see docs/xray.md.'
      );
    }
    return (
      `X-Ray refused the spans (HTTP ${code}). Check that the credentials may call xray:PutSpans (and ` +
      'xray:PutSpansForIndexing), that `xray.region` is the endpoint\'s, and that CloudWatch Transaction Search is enabled.'
    );
  }
  if (code === 'ESIGN') {
    return `${(error as Error).message}. Check the AWS credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, web identity, or the container or instance role.`;
  }
  if (code === 413) return 'HTTP 413: a span too large for X-Ray even in a request of its own was dropped; the rest of its batch was sent.';
  if (code === 429) return 'HTTP 429: X-Ray is throttling this account; spans are dropped until it stops.';
  if (typeof code === 'number') return `HTTP ${code} from the X-Ray OTLP endpoint.`;
  if (error instanceof Error) return code === undefined ? error.message || error.name : `${code}: ${error.message}`;
  return String(error);
}
