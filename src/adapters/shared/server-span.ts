/**
 * The one SERVER-span module every adapter uses, so the attribute, naming, status and error policy is identical.
 *
 * Stable API (other adapters, e.g. Lambda, may build on it; extend, don't change):
 *
 * ```ts
 * const spans = createServerSpans('express', options);   // once, in the adapter's factory
 * const s = spans.startNode(req, route?)                 // or spans.startFetch(request, route?, peer?, attributes?)
 * //  → undefined when the path is ignored, the request is dualtrace's own, or starting failed (then run the app untraced)
 * s.run(fn, thisArg?, ...args)   // fn with the span active (user spans nest under it)
 * s.setRoute('/users/:id')       // after routing: `http.route` and the name `GET /users/:id`
 * s.recordError(error, status?)  // ERROR + exception event + `error.type` when status (default 500) is ≥ 500
 * s.end(status, headers?, get?)  // status code, captured response headers, ERROR on 5xx; only the first call counts
 * s.span, s.context, s.isEnded   // the OTel span, the context holding it, whether end() ran
 * s.xrayAnswer                   // the X-Amzn-Trace-Id response header to send, when the request asked (Sampled=?)
 * spans.adoptNode(s, req)        // an adapter on top of zero-code tracing: its options apply to that span
 * ```
 *
 * Per-request state goes on the request/context object under `SERVER_SPAN` (`Symbol.for('dualtrace.server-span')`,
 * from ./symbols), never under a string key.
 *
 * Extraction uses the global propagator (dualtrace's reads `traceparent` or `X-Amzn-Trace-Id`), and the span is
 * started while the extracted context is active: a Root-only X-Ray header (ALB) passes its trace id to the id
 * generator through the active context. Nothing here throws into the app: a failure leaves the request untraced.
 *
 * dualtrace's own requests (`user-agent: dualtrace/…`: exports, sampling polls) are not traced: a traced process that
 * receives them (`dualtrace dev` under `--import dualtrace/register`, an OTLP relay, two services exporting to each
 * other) would make a span per export it receives and export it again, for ever (see ../../http/user-agent).
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { recordError } from '../../trace/record-error';
import { xrayAnswer } from '../../trace/sampling-decision';
import { VERSION } from '../../version';
import { fetchHeaderGetter, headerAttribute, nodeHeaderGetter } from './headers';
import { normalizeOptions, type NormalizedOptions, type ServerTracingOptions } from './options';
import { redactAttribute } from '../../http/redact';
import { ADOPTABLE_SPAN, registerIgnoredPaths } from './handoff';
import { ensureTracingReady } from './readiness';
import { capturedFetchHeaders, capturedNodeHeaders, fetchRequestAttributes, nodeRequestAttributes, type FetchPeer } from './request-attributes';
import { splitTarget, type Target } from '../../http/url';
import { isDualtraceUserAgent } from '../../http/user-agent';

export type { FetchPeer } from './request-attributes';
export type { ServerTracingOptions, SpanNameInfo } from './options';

/** Reads one response header from a framework's response object (only called when headers are allow-listed). */
export type ResponseHeaderGetter<H> = (headers: H, name: string) => unknown;

/** One request's SERVER span. Its methods never throw errors of their own (`run` passes on what `fn` throws). */
export class ServerSpan {
  /** The context with this span set: run handlers in it (see `run`). Not to be replaced from outside. */
  context: Context;
  /**
   * `Root=…;Sampled=1|0` when the request's `X-Amzn-Trace-Id` asked this service to decide (`Sampled=?`, or a
   * `Root`-only header from a load balancer): the adapter sends it back as the `X-Amzn-Trace-Id` response header, as
   * the X-Ray SDK does. `undefined` otherwise.
   */
  readonly xrayAnswer: string | undefined;
  private route: string | undefined;
  private errored = false;
  private ended = false;
  /** True for a zero-code span no adapter has taken over yet (see `adopt`). */
  adoptable = false;

  /**
   * Zero-code tracing's span: adapters may take it over. It is also put in its own context, so Fetch-style adapters,
   * which never see Node's request, find it as the active one (`activeAdoptableSpan`).
   */
  markAdoptable(): void {
    this.adoptable = true;
    this.context = this.context.setValue(ADOPTABLE_SPAN, this);
  }

  constructor(
    readonly span: Span,
    parent: Context,
    private options: NormalizedOptions,
    private readonly method: string,
    private readonly path: string,
    route: string | undefined,
  ) {
    this.context = trace.setSpan(parent, span);
    this.route = route;
    this.xrayAnswer = xrayAnswer(parent, span.spanContext());
  }

  /** Calls `fn(...args)` with this span active, so spans the app starts inside become its children. */
  run<A extends unknown[], R>(fn: (...args: A) => R, thisArg?: unknown, ...args: A): R {
    return context.with(this.context, fn, thisArg, ...args);
  }

  /**
   * An adapter added on top of zero-code tracing takes this span over (once): its span name and response-header
   * options apply from now on, and `attributes` (its captured request headers) are added. One span per request.
   */
  adopt(options: NormalizedOptions, attributes: Attributes | undefined): void {
    if (!this.adoptable || this.ended) return;
    this.adoptable = false;
    this.options = options;
    if (!this.span.isRecording()) return;
    try {
      if (attributes !== undefined) this.span.setAttributes(attributes);
      if (options.spanName !== undefined) this.span.updateName(spanName(options, this.method, this.route, this.path));
    } catch {
      // As everywhere here: telemetry stays invisible.
    }
  }

  /** Records the matched route template: sets `http.route` and renames the span `METHOD route`. */
  setRoute(route: string | undefined): void {
    if (this.ended || route === undefined || route === '' || route === this.route) return;
    this.route = route;
    if (!this.span.isRecording()) return;
    try {
      this.span.setAttribute('http.route', route);
      this.span.updateName(spanName(this.options, this.method, route, this.path));
    } catch {
      // Never let a misbehaving span or `spanName` reach the app.
    }
  }

  /**
   * Records a thrown error. A status below 500 (an HTTP error the app meant, e.g. Koa's `ctx.throw(404)`) is not a
   * server fault: nothing is marked. Only the first error is recorded.
   */
  recordError(error: unknown, status?: number): void {
    if (this.ended || this.errored || (status !== undefined && status < 500) || !this.span.isRecording()) return;
    this.errored = true;
    recordError(this.span, error);
  }

  /** Ends the span (only the first call counts): status code, ERROR on ≥ 500, captured response headers. */
  end<H>(status: number | undefined, headers?: H, getHeader?: ResponseHeaderGetter<H>): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.span.isRecording()) {
        if (status !== undefined && status > 0) {
          this.span.setAttribute('http.response.status_code', status);
          if (status >= 500 && !this.errored) {
            this.span.setAttribute('error.type', String(status));
            this.span.setStatus({ code: SpanStatusCode.ERROR });
          }
        }
        if (headers !== undefined && getHeader !== undefined) {
          for (const { name, key } of this.options.responseHeaders) {
            const value = headerAttribute(getHeader(headers, name));
            if (value !== undefined) this.span.setAttribute(key, redactAttribute(key, value));
          }
        }
      }
    } catch {
      // As above: telemetry stays invisible.
    }
    this.span.end();
  }

  /** True once `end` ran. */
  get isEnded(): boolean {
    return this.ended;
  }
}

/** Starts SERVER spans for one adapter; build it once in the adapter's factory. */
export interface ServerSpans {
  /** The normalised options (header allow-lists etc.). */
  readonly options: NormalizedOptions;
  /** A span for a `node:http` request; `undefined` when ignored, dualtrace's own, or when starting failed. */
  startNode(req: IncomingMessage, route?: string): ServerSpan | undefined;
  /**
   * A span for a Fetch `Request`; `peer` adds the socket address when the runtime knows it, `attributes` more start
   * attributes (what the sampler should see, e.g. Lambda's `cloud.resource_id`).
   */
  startFetch(request: Request, route?: string, peer?: FetchPeer, attributes?: Attributes): ServerSpan | undefined;
  /** Takes over the zero-code span already on a `node:http` request (see `ServerSpan.adopt`). */
  adoptNode(span: ServerSpan, req: IncomingMessage): void;
  /** Takes over the zero-code span of the Node request a Fetch `Request` is served for (see `activeAdoptableSpan`). */
  adoptFetch(span: ServerSpan, request: Request): void;
}

/**
 * Normalises the options and gets the tracer once.
 *
 * @param adapter the adapter's name; the tracer is `dualtrace/<adapter>`
 * @param {ServerTracingOptions} [options={}] see `ServerTracingOptions`
 * @param [shareIgnoredPaths=true] whether `ignorePaths` also applies to zero-code spans (false for zero-code itself)
 */
export function createServerSpans(adapter: string, options?: ServerTracingOptions, shareIgnoredPaths = true): ServerSpans {
  const normalized = normalizeOptions(options);
  if (shareIgnoredPaths && normalized.ignore !== undefined) registerIgnoredPaths(normalized.ignore);
  // The global provider is a proxy: a tracer taken before `initTracing` starts recording once it has run.
  const tracer = (normalized.tracerProvider ?? trace.getTracerProvider()).getTracer(`dualtrace/${adapter}`, VERSION);
  let ready = false;
  return {
    options: normalized,
    startNode(req, route) {
      if (!ready) ready = ensureTracingReady(adapter, normalized.tracerProvider);
      const target = splitTarget(req.url ?? '/');
      if (normalized.ignore?.(target.path) === true) return undefined;
      const method = req.method ?? 'GET';
      try {
        const headers = req.headers; // a getter on Node's request: read once
        if (isDualtraceUserAgent(headers['user-agent'])) return undefined;
        const attrs = nodeRequestAttributes(req, method, target, normalized.requestHeaders, headers);
        return start(tracer, normalized, headers, nodeHeaderGetter, method, target, route, attrs);
      } catch {
        return undefined; // A broken propagator, provider or `spanName`: serve the request untraced.
      }
    },
    startFetch(request, route, peer, attributes) {
      if (!ready) ready = ensureTracingReady(adapter, normalized.tracerProvider);
      const target = splitTarget(request.url);
      if (normalized.ignore?.(target.path) === true) return undefined;
      try {
        const headers = request.headers;
        const userAgent = headers.get('user-agent');
        if (isDualtraceUserAgent(userAgent)) return undefined;
        const attrs = fetchRequestAttributes(request, target, normalized.requestHeaders, peer, userAgent, headers);
        if (attributes !== undefined) Object.assign(attrs, attributes);
        return start(tracer, normalized, headers, fetchHeaderGetter, request.method, target, route, attrs);
      } catch {
        return undefined;
      }
    },
    adoptNode(span, req) {
      // The span may come from another bundle's copy of this module (zero-code tracing lives in the main entry).
      if (span.adoptable !== true || typeof span.adopt !== 'function') return;
      span.adopt(normalized, capturedNodeHeaders(req, normalized.requestHeaders));
    },
    adoptFetch(span, request) {
      if (span.adoptable !== true || typeof span.adopt !== 'function') return;
      span.adopt(normalized, capturedFetchHeaders(request, normalized.requestHeaders));
    },
  };
}

function start<C>(
  tracer: Tracer,
  options: NormalizedOptions,
  carrier: C,
  getter: TextMapGetter<C>,
  method: string,
  target: Target,
  route: string | undefined,
  attrs: Attributes,
): ServerSpan {
  const active = context.active();
  const parent = propagation.extract(active, carrier, getter);
  if (route !== undefined && route !== '') attrs['http.route'] = route;
  else route = undefined;
  const spanOptions = { kind: SpanKind.SERVER, attributes: attrs };
  const name = spanName(options, method, route, target.path);
  // Started with the extracted context ACTIVE (not only passed as the parent): the id generator reads a Root-only
  // X-Ray trace id from the active context. `context.with(ctx, fn, thisArg, ...args)` needs no closure.
  const span =
    parent === active
      ? tracer.startSpan(name, spanOptions)
      : context.with(parent, tracer.startSpan, tracer, name, spanOptions, parent);
  return new ServerSpan(span, parent, options, method, target.path, route);
}

function spanName(options: NormalizedOptions, method: string, route: string | undefined, path: string): string {
  if (options.spanName !== undefined) {
    try {
      const name = options.spanName({ method, route, path });
      if (typeof name === 'string' && name !== '') return name;
    } catch {
      // Fall through to the default name.
    }
  }
  return route === undefined ? method : `${method} ${route}`;
}
