import { type Exception, type Span, SpanStatusCode } from '@opentelemetry/api';
import { stackWithCauses } from './stack-with-causes';

/**
 * Marks `span` as failed by `error`, the same way everywhere in dualtrace: status ERROR (with the message),
 * `error.type` (the given type, else the error's class name), and an `exception` event whose stack carries the
 * `error.cause` chain (OTel's `recordException(err)` keeps only `err.stack`, which has no causes; X-Ray shows the
 * chain as linked exceptions). Never throws: each step is guarded, status first, so an error object whose getters
 * throw still leaves the span marked.
 *
 * @param errorType a value for `error.type` such as `ECONNREFUSED` or `500`; defaults to the error's class name
 */
export function recordError(span: Span, error: unknown, errorType?: string): void {
  const err = error instanceof Error ? error : undefined;
  let message: string | undefined;
  try {
    message = err !== undefined ? err.message : String(error);
  } catch {
    message = undefined;
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  } catch {
    // A span that cannot take a status is not ours to fix.
  }
  let type = '_OTHER';
  try {
    type = errorType ?? className(err);
  } catch {
    // A hostile constructor/name getter: keep _OTHER.
  }
  try {
    span.setAttribute('error.type', type);
  } catch {
    // As for setStatus.
  }
  try {
    span.recordException(err !== undefined ? toException(err) : (message ?? 'unknown error'));
  } catch {
    // recordException reads name/message/stack; a hostile error must not break the caller.
  }
}

/** The error as OTel records it, with the cause chain in the stack. `code` is left out so `exception.type` is the class. */
function toException(err: Error): Exception {
  return { name: err.name, message: err.message, stack: stackWithCauses(err) };
}

function className(err: Error | undefined): string {
  if (err === undefined) return '_OTHER';
  const name = err.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : err.name || 'Error';
}
