/**
 * `dualtrace/aws-sdk`: CLIENT spans for AWS SDK for JavaScript v3 calls, through the client's own middleware stack
 * (nothing is patched), with the trace headers added to each HTTP attempt so AWS services continue the X-Ray trace.
 *
 * @see docs/outgoing.md
 */
import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { recordError } from '../trace/record-error';
import { VERSION } from '../version';
import { commandAttributes, operationFromCommandName, serviceFromClientName } from './shared/aws-attributes';

/**
 * The parts of an AWS SDK v3 client this adapter uses (structural, so `@aws-sdk/*` stays an optional peer). Every
 * v3 client (`DynamoDBClient`, `SQSClient`, `S3Client`, …) fits it.
 *
 * @example
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * const client: AwsClientLike = new SQSClient({});
 * instrumentAwsClient(client);
 * @see docs/outgoing.md#aws-sdk-v3-dualtraceaws-sdk
 */
export interface AwsClientLike {
  /** The client's middleware stack: the span and header middleware are added to it. */
  middlewareStack: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's overloads differ per step
    add(middleware: any, options: { step: any; name: string; priority?: any; tags?: string[]; override?: boolean }): void;
  };
  /** The client's resolved config: `serviceId` names the span, `region` (a string or async provider) is `cloud.region`. */
  config: { serviceId?: string; region?: unknown };
}

/**
 * Options of {@link instrumentAwsClient}.
 *
 * @example
 * instrumentAwsClient(new SQSClient({}), { requireParent: false }); // also calls made outside any span
 * @see docs/outgoing.md#aws-sdk-v3-dualtraceaws-sdk
 */
export interface AwsClientOptions {
  /** Trace only calls made while a span is active (as the X-Ray SDK does inside a segment). Default `true`. */
  requireParent?: boolean;
}

const INSTRUMENTED = Symbol.for('dualtrace.aws-sdk.instrumented');
const SPAN = Symbol.for('dualtrace.aws-sdk.span');
const SPAN_MIDDLEWARE = 'dualtraceAwsSpan';
const HEADERS_MIDDLEWARE = 'dualtraceAwsTraceHeaders';

type Handler = (args: { input?: unknown; request?: unknown }) => Promise<{ output?: unknown; response?: unknown }>;
type Middleware = (next: Handler, executionContext: ExecutionContext) => Handler;
type ExecutionContext = { clientName?: unknown; commandName?: unknown; [SPAN]?: Span };
interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
  attempts?: number;
}

/**
 * Adds dualtrace's middleware to an AWS SDK v3 client: every command becomes a CLIENT span named
 * `<Service>.<Operation>` (`DynamoDB.PutItem`) with `rpc.system=aws-api`, `rpc.service`, `rpc.method`, `cloud.region`,
 * `aws.request_id`, `http.response.status_code`, and per service `aws.dynamodb.table_names` (DynamoDB) or
 * `aws.sqs.queue.url` + `messaging.destination.name` (SQS). X-Ray shows it as an `aws` subsegment with operation,
 * region, request id and table/queue. Errors are recorded (exception, status ERROR, `error.type`).
 *
 * `traceparent`, `tracestate`, `baggage` and `X-Amzn-Trace-Id` are added to every HTTP attempt after it is signed, so
 * they never change the SigV4 signature. Calling it twice on one client is harmless.
 *
 * @param client an AWS SDK v3 client (`new DynamoDBClient({...})`, `new SQSClient({...})`, …)
 * @param {AwsClientOptions} [options={ requireParent: true }]
 * @returns the same client
 * @example
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { instrumentAwsClient } from 'dualtrace/aws-sdk';
 * const ddb = instrumentAwsClient(new DynamoDBClient({}));
 * @see docs/outgoing.md
 */
export function instrumentAwsClient<T extends AwsClientLike>(client: T, options: AwsClientOptions = {}): T {
  const marked = client as T & { [INSTRUMENTED]?: true };
  if (marked[INSTRUMENTED]) return client;
  const tracer = trace.getTracer('dualtrace/aws-sdk', VERSION);
  const spanMiddleware = createSpanMiddleware(client, tracer, options.requireParent ?? true);
  client.middlewareStack.add(spanMiddleware, { step: 'initialize', name: SPAN_MIDDLEWARE, priority: 'high', override: true });
  client.middlewareStack.add(headersMiddleware, { step: 'deserialize', name: HEADERS_MIDDLEWARE, priority: 'low', override: true });
  marked[INSTRUMENTED] = true;
  return client;
}

/** Initialize step (outermost): one CLIENT span per command, active while the rest of the stack runs. */
function createSpanMiddleware(client: AwsClientLike, tracer: Tracer, requireParent: boolean): Middleware {
  return (next, executionContext) => async (args) => {
    const active = context.active();
    if (!shouldTrace(active, requireParent)) return next(args);
    const span = startCommandSpan(tracer, client, executionContext, args.input, active);
    executionContext[SPAN] = span;
    await setRegion(span, client.config.region);
    try {
      const result = await context.with(trace.setSpan(active, span), () => next(args));
      recordMetadata(span, (result.output as { $metadata?: Metadata } | undefined)?.$metadata);
      return result;
    } catch (error) {
      recordMetadata(span, (error as { $metadata?: Metadata } | null)?.$metadata);
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
}

function shouldTrace(active: Context, requireParent: boolean): boolean {
  if (isTracingSuppressed(active)) return false;
  if (!requireParent) return true;
  const parent = trace.getSpanContext(active);
  return parent !== undefined && isSpanContextValid(parent);
}

/** `<Service>.<Operation>` with the RPC attributes and the command's own (table names, queue URL). */
function startCommandSpan(tracer: Tracer, client: AwsClientLike, executionContext: ExecutionContext, input: unknown, active: Context): Span {
  const service = client.config.serviceId ?? serviceFromClientName(executionContext.clientName) ?? 'AWS';
  const operation = operationFromCommandName(executionContext.commandName) ?? 'Unknown';
  return tracer.startSpan(
    `${service}.${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation, ...commandAttributes(service, input) },
    },
    active,
  );
}

/** Deserialize step (innermost, after signing): headers added here are not part of the SigV4 signature. */
function headersMiddleware(next: Handler, executionContext: ExecutionContext): Handler {
  return async (args) => {
    const span = executionContext[SPAN];
    const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
    if (span !== undefined && headers !== undefined && typeof headers === 'object') injectTraceHeaders(span, headers);
    const result = await next(args);
    const response = result.response as { statusCode?: number; headers?: Record<string, string> } | undefined;
    if (span !== undefined && response !== undefined) recordResponse(span, response);
    return result;
  };
}

/** Sets the propagation headers for `span`, replacing those of the same name (in any case) the request already had. */
function injectTraceHeaders(span: Span, headers: Record<string, string>): void {
  try {
    const injected: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), injected);
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() in injected) delete headers[existing];
    Object.assign(headers, injected);
  } catch {
    // Never break the call for the sake of propagation.
  }
}

/** The status and request id of each HTTP attempt; the command's `$metadata` sets the final ones. */
function recordResponse(span: Span, response: { statusCode?: number; headers?: Record<string, string> }): void {
  if (typeof response.statusCode === 'number') span.setAttribute('http.response.status_code', response.statusCode);
  const requestId = response.headers?.['x-amzn-requestid'] ?? response.headers?.['x-amz-request-id'];
  if (typeof requestId === 'string') span.setAttribute('aws.request_id', requestId);
}

/** `config.region` is a string or (after the SDK resolves its config) an async provider. */
async function setRegion(span: Span, region: unknown): Promise<void> {
  try {
    const value = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    if (typeof value === 'string' && value !== '') span.setAttribute('cloud.region', value);
  } catch {
    // A region provider that fails will fail the call itself; the span just lacks the region.
  }
}

function recordMetadata(span: Span, metadata: Metadata | undefined): void {
  if (metadata === undefined) return;
  if (typeof metadata.requestId === 'string') span.setAttribute('aws.request_id', metadata.requestId);
  if (typeof metadata.extendedRequestId === 'string') span.setAttribute('aws.extended_request_id', metadata.extendedRequestId);
  if (typeof metadata.httpStatusCode === 'number') {
    span.setAttribute('http.response.status_code', metadata.httpStatusCode);
    if (metadata.httpStatusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  if (typeof metadata.attempts === 'number' && metadata.attempts > 1) span.setAttribute('aws.retries', metadata.attempts - 1);
}
