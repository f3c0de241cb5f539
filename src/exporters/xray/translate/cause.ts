import type { Attributes, SpanStatus } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'node:crypto';
import type { Consumed } from './attributes';
import { NOTHING_CONSUMED, capped, int, str } from './attributes';
import {
  AWS_HTTP_FAILURE_EVENT_NAME,
  AWS_HTTP_FAILURE_EXCEPTION_TYPE,
  EXCEPTION_EVENT_NAME,
  MAX_EXCEPTIONS,
} from './limits';
import { parseNodeStack } from './stack';
import { toEpochSeconds } from './time';
import type { CauseData, ExceptionData } from './types';

/**
 * `fault` / `error` / `throttle` and `cause` (collector `cause.go`).
 *
 * Flags: 4xx → error, 429 → error + throttle, 5xx → fault (whatever the span status); otherwise fault when the status
 * is ERROR. Flags are omitted when false, as the X-Ray SDKs do: smaller documents, same meaning.
 *
 * Cause: one exception per `exception` event (and per `HTTP request failure` event on AWS SDK spans), plus one per
 * chained `error.cause` found in the stack text; else, for an ERROR span, its status message (or `http.status_text`).
 */

const STATUS_TEXT_CONSUMED: Consumed = new Set(['http.status_text']);

export interface CauseResult {
  fault: boolean;
  error: boolean;
  throttle: boolean;
  cause: CauseData | undefined;
  consumed: Consumed;
}

export function makeCause(
  kind: SpanKind,
  status: SpanStatus,
  events: readonly TimedEvent[],
  attrs: Attributes,
  httpStatus: number | undefined,
  nodeStacks: boolean,
): CauseResult {
  const isError = status.code === SpanStatusCode.ERROR;
  let fault = false;
  let error = false;
  let throttle = false;
  if (httpStatus !== undefined && httpStatus >= 400 && httpStatus <= 499) {
    error = true;
    throttle = httpStatus === 429;
  } else if (httpStatus !== undefined && httpStatus >= 500 && httpStatus <= 599) {
    fault = true;
  } else {
    fault = isError;
  }

  const exceptions = eventExceptions(kind, events, attrs, nodeStacks);
  if (exceptions !== undefined) return { fault, error, throttle, cause: { exceptions }, consumed: NOTHING_CONSUMED };
  if (!isError) return { fault, error, throttle, cause: undefined, consumed: NOTHING_CONSUMED };

  const message = status.message !== undefined && status.message !== '' ? status.message : str(attrs, 'http.status_text');
  if (message === undefined) return { fault, error, throttle, cause: undefined, consumed: NOTHING_CONSUMED };
  return {
    fault,
    error,
    throttle,
    cause: { exceptions: [{ id: newExceptionId(), message }] },
    consumed: status.message ? NOTHING_CONSUMED : STATUS_TEXT_CONSUMED,
  };
}

function eventExceptions(
  kind: SpanKind,
  events: readonly TimedEvent[],
  attrs: Attributes,
  nodeStacks: boolean,
): ExceptionData[] | undefined {
  if (events.length === 0) return undefined; // the common case: no work, no allocation
  const remote = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
  const awsApi = attrs['rpc.system'] === 'aws-api';
  let out: ExceptionData[] | undefined;
  for (const event of events) {
    if (out !== undefined && out.length >= MAX_EXCEPTIONS) break;
    const eventAttrs = event.attributes ?? {};
    if (event.name === EXCEPTION_EVENT_NAME) {
      (out ??= []).push(...fromExceptionEvent(eventAttrs, remote, nodeStacks));
    } else if (awsApi && event.name === AWS_HTTP_FAILURE_EVENT_NAME) {
      const failure = fromAwsFailureEvent(event);
      if (failure !== undefined) (out ??= []).push(failure);
    }
  }
  if (out !== undefined && out.length > MAX_EXCEPTIONS) out.length = MAX_EXCEPTIONS;
  return out;
}

/** One `exception` event → the exception, then its chained causes (each linked to the next by `cause`). */
function fromExceptionEvent(attrs: Attributes, remote: boolean, nodeStacks: boolean): ExceptionData[] {
  const head: ExceptionData = { id: newExceptionId() };
  const type = str(attrs, 'exception.type');
  const message = str(attrs, 'exception.message');
  if (type !== undefined) head.type = capped(type);
  if (message !== undefined) head.message = message;
  if (remote) head.remote = true;
  const stacktrace = str(attrs, 'exception.stacktrace');
  if (!nodeStacks || stacktrace === undefined) return [head];

  const parsed = parseNodeStack(stacktrace);
  const first = parsed[0];
  if (first === undefined) return [head];
  if (head.type === undefined && first.type !== undefined) head.type = capped(first.type);
  if (head.message === undefined && first.message !== undefined) head.message = first.message;
  if (first.frames.length > 0) head.stack = first.frames;
  if (first.truncated > 0) head.truncated = first.truncated;

  const chain = [head];
  for (let i = 1; i < parsed.length; i++) {
    const p = parsed[i];
    if (p === undefined) continue;
    const ex: ExceptionData = { id: newExceptionId() };
    if (p.type !== undefined) ex.type = capped(p.type);
    if (p.message !== undefined) ex.message = p.message;
    if (remote) ex.remote = true;
    if (p.frames.length > 0) ex.stack = p.frames;
    if (p.truncated > 0) ex.truncated = p.truncated;
    const previous = chain[chain.length - 1];
    if (previous !== undefined) previous.cause = ex.id;
    chain.push(ex);
  }
  return chain;
}

/**
 * The AWS SDK instrumentations' failed-attempt event → `<status>@<epoch seconds>@<message>`, the collector's format
 * (`TestMakeCauseAwsSdkSpan`). Needs both the status and the message.
 */
function fromAwsFailureEvent(event: TimedEvent): ExceptionData | undefined {
  const attrs = event.attributes ?? {};
  const code = int(attrs, 'http.response.status_code');
  const text = str(attrs, 'aws.http.error_message');
  if (code === undefined || text === undefined) return undefined;
  return {
    id: newExceptionId(),
    type: AWS_HTTP_FAILURE_EXCEPTION_TYPE,
    remote: true,
    message: `${code}@${toEpochSeconds(event.time).toFixed(6)}@${text}`,
  };
}

/** 16 lowercase hex characters, as the X-Ray SDKs generate exception ids (`crypto.randomBytes(8)`). */
export function newExceptionId(): string {
  return randomBytes(8).toString('hex');
}
