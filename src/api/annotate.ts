import { trace, type AttributeValue, type Span } from '@opentelemetry/api';
import { ANNOTATIONS_KEY, type AnnotationValue } from '../trace/annotations';

/**
 * Sets attribute `key` on the active span and lists `key` in its `aws.xray.annotations`, so X-Ray indexes it as an
 * annotation (filterable: `annotation.key = "value"`) while Honeycomb gets an ordinary column. Invalid input (an
 * empty or non-string key, a value that is not a string/finite number/boolean) and calls outside a span are ignored;
 * it never throws.
 *
 * @param key attribute name; X-Ray sanitises it (characters outside `[A-Za-z0-9_.]` become `_`)
 * @param value string (X-Ray keeps 1,000 characters), finite number or boolean
 * @example
 * import { annotate } from 'dualtrace';
 * annotate('activity.uuid', uuid); // X-Ray: an indexed annotation; Honeycomb: the column activity.uuid
 * @see docs/api.md
 */
export function annotate(key: string, value: AnnotationValue): void {
  try {
    if (typeof key !== 'string' || key === '' || key === ANNOTATIONS_KEY || !isAnnotationValue(value)) return;
    const span = trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    span.setAttribute(key, value);
    const listed = readAttribute(span, ANNOTATIONS_KEY);
    const keys = Array.isArray(listed) ? listed.filter((k): k is string => typeof k === 'string') : [];
    if (!keys.includes(key)) span.setAttribute(ANNOTATIONS_KEY, [...keys, key]);
  } catch {
    // A helper for app code: never throws.
  }
}

function isAnnotationValue(value: unknown): value is AnnotationValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Reads an attribute back from an SDK span (`attributes` is public on sdk-trace-base's span); the OTel API has no
 * getter. Spans from another SDK yield `undefined`, so their list restarts with this key.
 */
function readAttribute(span: Span, key: string): AttributeValue | undefined {
  const attributes = (span as { attributes?: Record<string, AttributeValue | undefined> }).attributes;
  return attributes?.[key];
}
