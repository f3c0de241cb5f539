import type { AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ANNOTATIONS_KEY } from '../../trace/annotations';
import { withAttributes } from './span-view';

/**
 * X-Ray keeps at most 50 annotations per segment (segment documents, "Annotations"), as the daemon path's translator
 * does (exporters/xray/translate/limits.ts).
 */
const MAX_ANNOTATIONS = 50;

/**
 * X-Ray's OTLP ingestion makes an attribute an annotation (indexed, filterable) only when its key is listed in the
 * span's `aws.xray.annotations` string array; every other attribute becomes metadata
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-migration.html). `annotate()` lists its keys already;
 * this adds the keys `xray.indexedAttributes` names (and, with `xray.indexAllAttributes`, every attribute with a
 * string, number or boolean value), at most 50, as the daemon path's translator does.
 *
 * @returns the adjustment, or `undefined` when there is nothing to add (spans then go as they are, at no cost)
 */
export function createAnnotationLister(indexed: readonly string[], indexAll: boolean): ((span: ReadableSpan) => ReadableSpan) | undefined {
  if (indexed.length === 0 && !indexAll) return undefined;
  return (span) => {
    const attributes = span.attributes;
    const listed = listedKeys(attributes[ANNOTATIONS_KEY]);
    const keys = new Set(listed);
    const add = (key: string): void => {
      if (keys.size < MAX_ANNOTATIONS && key !== ANNOTATIONS_KEY && isAnnotationValue(attributes[key])) keys.add(key);
    };
    for (const key of indexed) add(key);
    if (indexAll) for (const key in attributes) add(key);
    if (keys.size === listed.length) return span;
    return withAttributes(span, { ...attributes, [ANNOTATIONS_KEY]: [...keys] });
  };
}

/** Honeycomb's view of a span: without the list, which only means something to X-Ray. */
export function withoutAnnotationList(span: ReadableSpan): ReadableSpan {
  const attributes = span.attributes;
  if (attributes[ANNOTATIONS_KEY] === undefined) return span;
  const { [ANNOTATIONS_KEY]: _list, ...rest } = attributes;
  return withAttributes(span, rest);
}

function listedKeys(value: AttributeValue | undefined): string[] {
  if (!Array.isArray(value)) return typeof value === 'string' && value !== '' ? [value] : [];
  return value.filter((key): key is string => typeof key === 'string' && key !== '');
}

function isAnnotationValue(value: AttributeValue | undefined): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
