/**
 * `dualtrace/lambda`: one SERVER span per Lambda invocation, flushed to both backends before the handler returns.
 *
 * @see docs/adapters.md#lambda
 */
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { recordError } from '../trace/record-error';
import { isDualtraceUserAgent } from '../http/user-agent';
import { getTracing } from '../handle';
import { VERSION } from '../version';
import { headersOf, httpRequestOf, recordTraceHeaders, triggerOf, type FaasTrigger } from './shared/lambda-events';
import { createServerSpans, type ServerSpan, type ServerSpans, type ServerTracingOptions } from './shared/server-span';

export type { ServerTracingOptions, SpanNameInfo } from './shared/server-span';

/**
 * The parts of the Lambda context object the wrapper reads
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). The runtime's `context` fits it.
 *
 * @example
 * export const handler = traced(async (event, context: LambdaContextLike) => ({ statusCode: 200, body: context.awsRequestId }));
 * @see docs/adapters.md#lambda
 */
export interface LambdaContextLike {
  /** The invocation's request id: `faas.invocation_id`. */
  awsRequestId?: string;
  /** The function's name: the name of non-HTTP invocation spans unless `name` is given. */
  functionName?: string;
  /** The function's version (`$LATEST` or a number); accepted, not recorded. */
  functionVersion?: string;
  /** The ARN used to invoke: `cloud.resource_id`, and `cloud.account.id` from its account field. */
  invokedFunctionArn?: string;
  /** Milliseconds left before the invocation times out: bounds the flush before returning. */
  getRemainingTimeInMillis?: () => number;
}

/**
 * What {@link traced} wraps: an async handler, or a callback-style one (`(event, context, callback)`).
 *
 * @example
 * const greet: LambdaHandler<{ name: string }, string> = async (event) => `hello ${event.name}`;
 * export const handler = traced(greet);
 * @see docs/adapters.md#lambda
 */
export type LambdaHandler<E = unknown, R = unknown> =
  | ((event: E, context: LambdaContextLike) => Promise<R>)
  | ((event: E, context: LambdaContextLike, callback: (error?: unknown, result?: R) => void) => void | Promise<R>);

/**
 * Options of {@link traced}: the server adapters' options plus the flush bound and the span name.
 *
 * @example
 * export const handler = traced(myHandler, { flushTimeoutMillis: 1000, ignorePaths: ['/health'] });
 * @see docs/adapters.md#lambda
 */
export interface LambdaTracingOptions extends ServerTracingOptions {
  /** Upper bound for the flush before returning, in ms (also capped by the invocation's remaining time). Default 2000. */
  flushTimeoutMillis?: number;
  /** Name of non-HTTP invocation spans. Default: `context.functionName`, else `AWS_LAMBDA_FUNCTION_NAME`. */
  name?: string;
}

const COLD = Symbol.for('dualtrace.lambda.warm');
const FLUSH_MARGIN_MILLIS = 50;

/**
 * Wraps a Lambda handler: each invocation becomes a SERVER span and the wrapper awaits a bounded
 * `getTracing().forceFlush()` before returning, so no span is lost when Lambda freezes the process.
 *
 * - HTTP events (API Gateway REST and HTTP APIs, function URLs, ALB) get exactly the server adapters' attributes
 *   (shared `server-span` module), `http.route` from the API's route template, and the status code of the result.
 * - Other events get a span named after the function, with `faas.trigger` (`pubsub`, `datasource`, `timer`, `other`);
 *   an SQS batch's span links to each record's producer trace (`AWSTraceHeader`, up to 10).
 * - Every span has `faas.invocation_id` (the request id), `faas.coldstart`, `cloud.account.id`, `cloud.resource_id`.
 * - Parent: Lambda's `_X_AMZN_TRACE_ID` (read per invocation) when it is sampled: with active tracing, it names the
 *   function's own segment, the node the X-Ray service map needs (the event's headers name the hop before it). Else
 *   the event's `traceparent` / `X-Amzn-Trace-Id` headers; else `_X_AMZN_TRACE_ID` with `Sampled=?`. With active
 *   tracing off Lambda sets `Sampled=0`, which is ignored: it would drop every trace.
 *
 * A thrown error (or callback error) is recorded (status ERROR) and rethrown unchanged, after the flush.
 *
 * @param handler an async handler, or a callback-style one
 * @param {LambdaTracingOptions} [options={}] header capture, ignored paths, span naming, flush bound
 * @returns an async handler to export in place of the original
 * @example
 * import { initTracing } from 'dualtrace';
 * import { traced } from 'dualtrace/lambda';
 * initTracing({ service: 'activities-api' });
 * export const handler = traced(async (event) => ({ statusCode: 200, body: 'ok' }));
 * @see docs/adapters.md#lambda
 */
export function traced<E = unknown, R = unknown>(
  handler: LambdaHandler<E, R>,
  options: LambdaTracingOptions = {},
): (event: E, context: LambdaContextLike) => Promise<R> {
  if (typeof handler !== 'function') throw new TypeError('dualtrace: traced(handler) needs a function');
  const starter: InvocationStarter = {
    spans: createServerSpans('lambda', options),
    tracer: (options.tracerProvider ?? trace.getTracerProvider()).getTracer('dualtrace/lambda', VERSION),
    options,
  };
  const flushBound = options.flushTimeoutMillis ?? 2000;

  return async function tracedHandler(event: E, lambdaContext: LambdaContextLike): Promise<R> {
    const started = startInvocation(starter, event, lambdaContext ?? {});
    if (started === undefined) return invoke(handler, event, lambdaContext);
    let result: R;
    try {
      result = await started.run(() => invoke(handler, event, lambdaContext));
    } catch (error) {
      started.fail(error);
      await flush(lambdaContext, flushBound);
      throw error;
    }
    started.succeed(result);
    await flush(lambdaContext, flushBound);
    return result;
  };
}

/** What starting an invocation's span needs, built once per {@link traced} call. */
interface InvocationStarter {
  readonly spans: ServerSpans;
  readonly tracer: Tracer;
  readonly options: LambdaTracingOptions;
}

/**
 * Starts the invocation's span: through the shared server-span module for an HTTP event (unless its path is
 * ignored or it is dualtrace's own request), else a SERVER span named after the function; `undefined` when it is
 * ignored, dualtrace's own, or tracing failed.
 */
function startInvocation(starter: InvocationStarter, event: unknown, ctx: LambdaContextLike): Invocation | undefined {
  try {
    const base = environmentParent();
    // A sampled _X_AMZN_TRACE_ID is the parent whatever the event's headers say.
    const envWins = trace.getSpanContext(base) !== undefined && /Sampled=1/.test(process.env._X_AMZN_TRACE_ID ?? '');
    const attrs = faasAttributes(ctx);
    const request = httpRequestOf(event);
    if (request !== undefined) {
      let server: ServerSpan | undefined;
      try {
        const headers = envWins ? withoutTraceHeaders(request.headers) : request.headers;
        const fetchRequest = new Request(request.url, { method: request.method, headers });
        // The invocation's attributes go in at start, so X-Ray's rules can match the function's ARN.
        server = context.with(base, () => starter.spans.startFetch(fetchRequest, request.route, undefined, { ...attrs, 'faas.trigger': 'http' }));
      } catch {
        server = undefined; // A method or URL Fetch refuses (e.g. CONNECT): traced as a plain invocation below.
      }
      if (server !== undefined) return httpInvocation(server);
      // Ignored, or dualtrace's own export (an OTLP receiver on Lambda): untraced, as startFetch left it.
      if (isDualtraceUserAgent(request.headers['user-agent']) || starter.spans.options.ignore?.(new URL(request.url).pathname) === true) return undefined;
    }
    const extracted = envWins ? base : propagation.extract(base, headersOf(event));
    const name = starter.options.name ?? ctx.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'lambda';
    const trigger: FaasTrigger = request === undefined ? triggerOf(event) : 'http';
    const span = context.with(extracted, () =>
      starter.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { ...attrs, 'faas.trigger': trigger }, links: recordLinks(event) }),
    );
    return plainInvocation(span, trace.setSpan(extracted, span));
  } catch {
    return undefined; // Never let tracing break an invocation.
  }
}

interface Invocation {
  run<T>(fn: () => Promise<T>): Promise<T>;
  succeed(result: unknown): void;
  fail(error: unknown): void;
}

function httpInvocation(server: ServerSpan): Invocation {
  return {
    run: (fn) => server.run(fn),
    succeed: (result) => {
      if (server.xrayAnswer !== undefined) answerXRay(result, server.xrayAnswer);
      server.end(statusOf(result));
    },
    fail: (error) => {
      server.recordError(error);
      server.end(undefined); // API Gateway answers 502 itself; the function produced no status.
    },
  };
}

function plainInvocation(span: Span, ctx: Context): Invocation {
  return {
    run: (fn) => context.with(ctx, fn),
    succeed: () => span.end(),
    fail: (error) => {
      recordError(span, error);
      span.end();
    },
  };
}

/** Links to the producers' traces of an SQS batch (each record's `AWSTraceHeader`); a batch has no single parent. */
function recordLinks(event: unknown): Link[] {
  const links: Link[] = [];
  for (const header of recordTraceHeaders(event)) {
    const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { 'x-amzn-trace-id': header }));
    if (linked !== undefined && isSpanContextValid(linked)) links.push({ context: linked });
  }
  return links;
}

/**
 * Adds the `X-Amzn-Trace-Id` answer to an HTTP result's headers (ALB and API Gateway pass them on), when the result is
 * an object with a `statusCode` (a string body of HTTP API 2.0 has no headers to add to).
 */
function answerXRay(result: unknown, value: string): void {
  if (typeof result !== 'object' || result === null || typeof (result as { statusCode?: unknown }).statusCode !== 'number') return;
  const r = result as { headers?: Record<string, unknown> | null };
  if (r.headers === undefined || r.headers === null) r.headers = {};
  if (typeof r.headers === 'object' && !Object.keys(r.headers).some((k) => k.toLowerCase() === 'x-amzn-trace-id')) r.headers['X-Amzn-Trace-Id'] = value;
}

/** HTTP API payload 2.0 treats a result without `statusCode` as 200; the other sources need one. */
function statusOf(result: unknown): number {
  const status = (result as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' ? status : 200;
}

function faasAttributes(ctx: LambdaContextLike): Attributes {
  const g = globalThis as { [COLD]?: boolean };
  const attrs: Attributes = { 'faas.coldstart': g[COLD] !== true };
  g[COLD] = true;
  if (typeof ctx.awsRequestId === 'string') attrs['faas.invocation_id'] = ctx.awsRequestId;
  const arn = ctx.invokedFunctionArn;
  if (typeof arn === 'string') {
    attrs['cloud.resource_id'] = arn;
    const account = arn.split(':')[4];
    if (account !== undefined && account !== '') attrs['cloud.account.id'] = account;
  }
  return attrs;
}

const TRACE_HEADERS: ReadonlySet<string> = new Set(['traceparent', 'tracestate', 'x-amzn-trace-id']);

/** The event's headers without the trace headers (baggage kept), for when `_X_AMZN_TRACE_ID` is the parent. */
function withoutTraceHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (!TRACE_HEADERS.has(name.toLowerCase())) out[name] = headers[name]!;
  return out;
}

/** Lambda's `_X_AMZN_TRACE_ID`, read per invocation, as the parent when it is sampled (or `Sampled=?`). */
function environmentParent(): Context {
  const header = process.env._X_AMZN_TRACE_ID;
  if (header === undefined || header === '') return ROOT_CONTEXT;
  const ctx = propagation.extract(ROOT_CONTEXT, { 'x-amzn-trace-id': header });
  const parent = trace.getSpanContext(ctx);
  if (parent !== undefined && (parent.traceFlags & TraceFlags.SAMPLED) === 0 && !/Sampled=\?/.test(header)) return ROOT_CONTEXT;
  return ctx;
}

/** Calls an async or callback-style handler and gives back one promise. */
function invoke<E, R>(handler: LambdaHandler<E, R>, event: E, ctx: LambdaContextLike): Promise<R> {
  if (handler.length < 3) return Promise.resolve((handler as (e: E, c: LambdaContextLike) => Promise<R>)(event, ctx));
  return new Promise<R>((resolve, reject) => {
    const returned = (handler as (e: E, c: LambdaContextLike, cb: (error?: unknown, result?: R) => void) => unknown)(event, ctx, (error, result) =>
      error === undefined || error === null ? resolve(result as R) : reject(error),
    );
    if (returned !== undefined && typeof (returned as Promise<R>).then === 'function') (returned as Promise<R>).then(resolve, reject);
  });
}

/** Awaits `forceFlush()` on the running tracing handle, bounded by the option and the invocation's remaining time. */
async function flush(ctx: LambdaContextLike | undefined, bound: number): Promise<void> {
  const tracing = getTracing();
  if (tracing === undefined) return;
  let limit = bound;
  try {
    const remaining = ctx?.getRemainingTimeInMillis?.();
    if (typeof remaining === 'number' && Number.isFinite(remaining)) limit = Math.min(limit, remaining - FLUSH_MARGIN_MILLIS);
  } catch {
    // Keep the configured bound.
  }
  if (limit <= 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    tracing.forceFlush().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limit);
      timer.unref?.();
    }),
  ]);
  clearTimeout(timer);
}
