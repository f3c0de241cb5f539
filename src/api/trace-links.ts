import { isSpanContextValid, trace } from '@opentelemetry/api';
import { getTracing } from '../handle';

/**
 * Options of {@link traceLinks}: what the URLs need but dualtrace cannot know offline.
 *
 * @example
 * traceLinks({ team: 'acme', environment: 'production', region: 'eu-west-1' });
 * @see docs/api.md#tracelinksoptions
 */
export interface TraceLinksOptions {
  /** Honeycomb team slug (the first path segment of your Honeycomb URLs). Without it the link is a template. */
  team?: string;
  /** Honeycomb environment slug (not used with a Classic key, whose links have no environment). */
  environment?: string;
  /** Honeycomb dataset. Default: the service name (environment keys route traces to a dataset named after it). */
  dataset?: string;
  /** AWS region of the X-Ray console. Default: the region `initTracing` found (`AWS_REGION`, `AWS_DEFAULT_REGION`), else the console's last region. */
  region?: string;
}

/**
 * Links to the current trace in both backends, as {@link traceLinks} returns them.
 *
 * @example
 * const links: TraceLinks | undefined = traceLinks({ team: 'acme', environment: 'production' });
 * if (links !== undefined) logger.error({ err, trace: links.honeycomb, xray: links.xray }, 'request failed');
 * @see docs/api.md#tracelinksoptions
 */
export interface TraceLinks {
  /** The trace id as Honeycomb and W3C show it (32 hex). */
  readonly traceId: string;
  /** The same id as X-Ray shows it: `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`. */
  readonly xrayTraceId: string;
  /**
   * Honeycomb trace view. With `team` (and `environment`, except for Classic keys): a working link. Otherwise the same
   * URL with literal `<team>` / `<environment>` placeholders to fill in: the slugs are only known to Honeycomb.
   */
  readonly honeycomb: string;
  /** True when `honeycomb` still contains a placeholder. */
  readonly honeycombIsTemplate: boolean;
  /** The X-Ray trace details page in the CloudWatch console. */
  readonly xray: string;
}

const HOUR = 3600;

/**
 * Links to the active trace in Honeycomb and in the X-Ray (CloudWatch) console, or `undefined` outside a span.
 *
 * Formats:
 * - Honeycomb, "Share a Trace" (https://docs.honeycomb.io/investigate/collaborate/share-trace/):
 *   `https://<subdomain>.honeycomb.io/<team>/environments/<environment>/datasets/<dataset>/trace?trace_id=<id>
 *   &span=<spanId>&trace_start_ts=<ts>&trace_end_ts=<ts>`, and `/<team>/datasets/<dataset>/trace?…` for Classic.
 *   The subdomain follows the API endpoint: `api.eu1.honeycomb.io` → `ui.eu1.honeycomb.io`, otherwise `ui.honeycomb.io`.
 *   The time range comes from the X-Ray trace id's epoch-second prefix (an hour from its start) when it is plausible.
 * - X-Ray: the CloudWatch console's trace details page (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-traces.html),
 *   `https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#xray:traces/1-xxxxxxxx-yyyy…`; the
 *   fragment is the console's own route (not formally documented by AWS).
 *
 * @param {TraceLinksOptions} [options={}] team/environment slugs, dataset, region
 * @example
 * import { traceLinks } from 'dualtrace';
 * app.use((err, req, res, next) => {
 *   console.error(err, traceLinks({ team: 'my-team', environment: 'prod' }));
 *   next(err);
 * });
 * @see docs/api.md
 */
export function traceLinks(options: TraceLinksOptions = {}): TraceLinks | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return buildTraceLinks(spanContext.traceId, spanContext.spanId, getTracing()?.config, options);
}

/** What {@link buildTraceLinks} reads of a resolved configuration (the handle's, or one `dualtrace doctor` resolved). */
export interface LinkConfig {
  readonly serviceName: string;
  readonly honeycomb: { readonly keyKind: string; readonly dataset: string | undefined; readonly url: string };
  readonly xray: { readonly region: string | undefined };
}

/** The links of {@link traceLinks} for a given trace and span (formats above). */
export function buildTraceLinks(traceId: string, spanId: string, config: LinkConfig | undefined, options: TraceLinksOptions = {}): TraceLinks {
  const xrayTraceId = `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;

  const classic = config?.honeycomb.keyKind === 'classic';
  const dataset = options.dataset ?? (classic ? config?.honeycomb.dataset : undefined) ?? config?.serviceName ?? 'unknown_service:node';
  const team = options.team === undefined ? '<team>' : encodeURIComponent(options.team);
  const env = options.environment === undefined ? '<environment>' : encodeURIComponent(options.environment);
  const path = classic ? `${team}/datasets/${encodeURIComponent(dataset)}` : `${team}/environments/${env}/datasets/${encodeURIComponent(dataset)}`;
  const query = new URLSearchParams({ trace_id: traceId, span: spanId });
  const started = Number.parseInt(traceId.slice(0, 8), 16);
  const now = Date.now() / 1000;
  if (started > now - 30 * 24 * HOUR && started < now + 300) {
    query.set('trace_start_ts', String(started));
    query.set('trace_end_ts', String(started + HOUR));
  }
  const honeycomb = `https://${honeycombUiHost(config?.honeycomb.url)}/${path}/trace?${query.toString()}`;

  const region = options.region ?? config?.xray.region;
  const xray = region
    ? `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(region)}#xray:traces/${xrayTraceId}`
    : `https://console.aws.amazon.com/cloudwatch/home#xray:traces/${xrayTraceId}`;

  return { traceId, xrayTraceId, honeycomb, honeycombIsTemplate: honeycomb.includes('<'), xray };
}

/** `api.<region>.honeycomb.io` → `ui.<region>.honeycomb.io`; anything else (US, a collector) → `ui.honeycomb.io`. */
export function honeycombUiHost(apiUrl: string | undefined): string {
  if (apiUrl === undefined) return 'ui.honeycomb.io';
  try {
    const host = new URL(apiUrl).hostname.toLowerCase();
    const m = /^api\.([a-z0-9-]+\.)?honeycomb\.io$/.exec(host);
    return m ? `ui.${m[1] ?? ''}honeycomb.io` : 'ui.honeycomb.io';
  } catch {
    return 'ui.honeycomb.io';
  }
}
