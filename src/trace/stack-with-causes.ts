/** How a chained cause starts in a recorded stack; the X-Ray translator's stack parser reads the same marker. */
export const CAUSE_PREFIX = 'Caused by: ';
const CAUSE_JAVA = CAUSE_PREFIX;

/** dualtrace's own bound: `error.cause` links followed per recorded error (also guards against cycles). */
export const MAX_CAUSE_DEPTH = 8;

/**
 * `err.stack` followed by one `Caused by: …` block per `error.cause` (up to {@link MAX_CAUSE_DEPTH}, cycles cut),
 * so a recorded exception keeps its chain. Non-Error causes are written as `Caused by: <String(cause)>`.
 *
 * @example span.recordException({ name: err.name, message: err.message, stack: stackWithCauses(err) })
 */
export function stackWithCauses(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  let text = error.stack ?? `${error.name}: ${error.message}`;
  const seen = new Set<unknown>([error]);
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    if (seen.has(cause)) break;
    seen.add(cause);
    if (cause instanceof Error) {
      text += `\n${CAUSE_JAVA}${cause.stack ?? `${cause.name}: ${cause.message}`}`;
      cause = cause.cause;
    } else {
      text += `\n${CAUSE_JAVA}${typeof cause === 'string' ? cause : safeString(cause)}`;
      break;
    }
  }
  return text;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) ?? String(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
