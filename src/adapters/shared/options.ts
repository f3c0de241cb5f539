import type { TracerProvider } from '@opentelemetry/api';
import { SECRET_HEADERS } from '../../http/secret-headers';

/**
 * What the `spanName` option is given: the request's method (as received, upper-cased by the server), route and path.
 *
 * @example
 * // Unrouted requests under /api/ get one name between them, not one per URL.
 * const spanName = ({ method, route, path }: SpanNameInfo) =>
 *   `${method} ${route ?? (path.startsWith('/api/') ? '/api/*' : 'unmatched')}`;
 * app.use(tracing({ spanName }));
 * @see docs/adapters.md#span-names-and-routes
 */
export interface SpanNameInfo {
  /** The method as received (`GET`, `PROPFIND`, …). */
  readonly method: string;
  /** The route template (`/users/:id`) once routing has matched one, else `undefined`. */
  readonly route: string | undefined;
  /** The path, without the query. */
  readonly path: string;
}

/**
 * Options every server adapter takes (`tracing(options)` / `traced(handler, options)`), checked once when the
 * middleware is created (a wrong type throws a `TypeError` naming the option).
 *
 * @example
 * import { tracing, type ServerTracingOptions } from 'dualtrace/express';
 * const options: ServerTracingOptions = {
 *   ignorePaths: ['/healthz', /^\/internal\//],
 *   captureRequestHeaders: ['x-request-id'],
 *   spanName: ({ method, route }) => `${method} ${route ?? 'unmatched'}`,
 * };
 * app.use(tracing(options));
 * @see docs/adapters.md#options
 */
export interface ServerTracingOptions {
  /**
   * Names the SERVER span; called at the start and again after routing. Default: `METHOD route`, or just `METHOD`
   * when no route matched (never the raw path: it would make one name per URL).
   */
  spanName?: (info: SpanNameInfo) => string;
  /**
   * Requests not to trace, by path (without the query): exact strings, RegExps, or a function. E.g. health checks:
   * `ignorePaths: ['/healthz', /^\/internal\//]`. An ignored request gets no span and costs one lookup.
   */
  ignorePaths?: ReadonlyArray<string | RegExp> | ((path: string) => boolean);
  /** Request headers to record as `http.request.header.<name>` (case-insensitive allow-list). */
  captureRequestHeaders?: readonly string[];
  /** Response headers to record as `http.response.header.<name>` (case-insensitive allow-list). */
  captureResponseHeaders?: readonly string[];
  /** The provider to use; default: the global one that `initTracing` registers. */
  tracerProvider?: TracerProvider;
}

/** Headers that are never recorded, whatever the allow-lists say: they carry credentials. */
const NEVER_CAPTURED: ReadonlySet<string> = SECRET_HEADERS;

/** One allow-listed header: its lower-cased name and the attribute key, built once. */
export interface CapturedHeader {
  readonly name: string;
  readonly key: string;
}

/** Options after normalisation, built once per factory call. */
export interface NormalizedOptions {
  readonly spanName: ((info: SpanNameInfo) => string) | undefined;
  readonly ignore: ((path: string) => boolean) | undefined;
  readonly requestHeaders: readonly CapturedHeader[];
  readonly responseHeaders: readonly CapturedHeader[];
  readonly tracerProvider: TracerProvider | undefined;
}

/** Validates and normalises options once; throws a `TypeError` naming the option on a wrong type (setup time). */
export function normalizeOptions(options: ServerTracingOptions | undefined): NormalizedOptions {
  const o = options ?? {};
  if (o.spanName !== undefined && typeof o.spanName !== 'function') throw new TypeError('dualtrace: `spanName` must be a function');
  return {
    spanName: o.spanName,
    ignore: toIgnore(o.ignorePaths),
    requestHeaders: toCaptured(o.captureRequestHeaders, 'http.request.header.', 'captureRequestHeaders'),
    responseHeaders: toCaptured(o.captureResponseHeaders, 'http.response.header.', 'captureResponseHeaders'),
    tracerProvider: o.tracerProvider,
  };
}

function toIgnore(paths: ServerTracingOptions['ignorePaths']): ((path: string) => boolean) | undefined {
  if (paths === undefined) return undefined;
  if (typeof paths === 'function') {
    // The app's function runs on the request path: if it throws, trace the request rather than fail it.
    return (path) => {
      try {
        return paths(path) === true;
      } catch {
        return false;
      }
    };
  }
  if (!Array.isArray(paths)) throw new TypeError('dualtrace: `ignorePaths` must be an array of strings/RegExps or a function');
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const p of paths as ReadonlyArray<unknown>) {
    if (typeof p === 'string') exact.add(p);
    else if (p instanceof RegExp) patterns.push(p.global || p.sticky ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : p);
    else throw new TypeError('dualtrace: `ignorePaths` entries must be strings or RegExps');
  }
  if (exact.size === 0 && patterns.length === 0) return undefined;
  if (patterns.length === 0) return (path) => exact.has(path);
  return (path) => {
    if (exact.has(path)) return true;
    for (const re of patterns) if (re.test(path)) return true;
    return false;
  };
}

function toCaptured(names: readonly string[] | undefined, prefix: string, option: string): readonly CapturedHeader[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw new TypeError(`dualtrace: \`${option}\` must be an array of header names`);
  const seen = new Set<string>();
  for (const n of names as readonly unknown[]) {
    if (typeof n !== 'string') throw new TypeError(`dualtrace: \`${option}\` must be an array of header names`);
    const name = n.trim().toLowerCase();
    if (name !== '' && !NEVER_CAPTURED.has(name)) seen.add(name);
  }
  return [...seen].map((name) => ({ name, key: prefix + name }));
}
