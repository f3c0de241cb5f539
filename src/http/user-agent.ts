/**
 * dualtrace's own requests (exports to Honeycomb, X-Ray's OTLP endpoint or a collector, X-Ray sampling polls, the
 * doctor's checks) all carry one user agent, and server tracing leaves requests carrying it untraced. A process that
 * receives dualtrace's exports and is traced itself (`dualtrace dev` under `NODE_OPTIONS=--import dualtrace/register`,
 * an OTLP relay written in Node, two services exporting to each other) would otherwise make a span per export it
 * receives and export that too: a feedback loop that never stops on its own.
 */
import { VERSION } from '../version';

const PREFIX = 'dualtrace/';

/** The `user-agent` of every HTTP request dualtrace sends; set after the user's headers, so it cannot be replaced. */
export const USER_AGENT = `${PREFIX}${VERSION}`;

/** Whether a request's `user-agent` is dualtrace's (any version): one `startsWith`, no allocation. */
export function isDualtraceUserAgent(userAgent: string | null | undefined): boolean {
  return typeof userAgent === 'string' && userAgent.startsWith(PREFIX);
}
