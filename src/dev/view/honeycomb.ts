/**
 * A span as Honeycomb stores it: one event per span, one per span event and one per link, with the fields
 * Honeycomb's OTLP translator writes (github.com/honeycombio/husky, otlp/traces.go and otlp/common.go):
 * `trace.trace_id`, `trace.span_id`, `trace.parent_id`, `name`, `span.kind`, `duration_ms`, `status_code`, `error`,
 * resource then scope (`library.name`) then span attributes; nested key-value lists flattened with dots (5 levels),
 * arrays and bytes as JSON strings; `SampleRate`/`sampleRate` taken out as the event's sample rate.
 */
import type { KeyValue } from '../otlp/types';
import type { StoredSpan } from '../store/trace-store';
import { fieldValue, nanosToMillis, plain, type FieldValue } from './values';

export interface HoneycombField {
  readonly key: string;
  readonly value: FieldValue;
  /** Where the field came from: Honeycomb's own fields, the resource, the instrumentation scope or the span. */
  readonly from: 'honeycomb' | 'resource' | 'scope' | 'span' | 'event' | 'link';
}

export interface HoneycombEvent {
  readonly kind: 'span' | 'span_event' | 'link';
  readonly timestamp: number;
  readonly fields: HoneycombField[];
}

export interface HoneycombSpanView {
  /** The dataset Honeycomb files the events under: service.name for environment keys, the dataset header for Classic keys. */
  readonly dataset: string;
  readonly sampleRate: number;
  readonly events: HoneycombEvent[];
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const MAX_FLATTEN_DEPTH = 5;

export function toHoneycomb(stored: StoredSpan): HoneycombSpanView {
  const { span, resource, scope } = stored;
  const isError = span.status.code === 2;
  const kind = KINDS[span.kind] ?? 'unspecified';
  // Resource, then scope: copied into every event of the span (span event and link events too).
  const shared = (): Map<string, HoneycombField> => {
    const fields = new Map<string, HoneycombField>();
    add(fields, resource.attributes, 'resource');
    if (scope.name !== '') fields.set('library.name', { key: 'library.name', value: { type: 'string', value: scope.name }, from: 'scope' });
    if (scope.version) fields.set('library.version', { key: 'library.version', value: { type: 'string', value: scope.version }, from: 'scope' });
    add(fields, scope.attributes, 'scope');
    return fields;
  };

  const own = new Map<string, HoneycombField>();
  const put = (key: string, value: FieldValue): void => void own.set(key, { key, value, from: 'honeycomb' });
  put('name', { type: 'string', value: span.name });
  put('trace.trace_id', { type: 'string', value: span.traceId });
  put('trace.span_id', { type: 'string', value: span.spanId });
  if (span.parentSpanId) put('trace.parent_id', { type: 'string', value: span.parentSpanId });
  put('span.kind', { type: 'string', value: kind });
  put('type', { type: 'string', value: kind });
  put('duration_ms', { type: 'float', value: nanosToMillis((BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toString()) });
  put('status_code', { type: 'int', value: span.status.code });
  if (isError) put('error', { type: 'bool', value: true });
  if (span.status.message) put('status_message', { type: 'string', value: span.status.message });
  put('span.num_events', { type: 'int', value: span.events.length });
  put('span.num_links', { type: 'int', value: span.links.length });
  put('meta.signal_type', { type: 'string', value: 'trace' });

  const fields = new Map([...own, ...shared()]);
  add(fields, span.attributes, 'span');
  const sampleRate = takeSampleRate(fields);
  const start = nanosToMillis(span.startTimeUnixNano);
  const events: HoneycombEvent[] = [{ kind: 'span', timestamp: start, fields: [...fields.values()] }];

  for (const event of span.events) {
    const f = new Map<string, HoneycombField>();
    const set = (key: string, value: string): void => void f.set(key, { key, value: { type: 'string', value }, from: 'honeycomb' });
    set('trace.trace_id', span.traceId);
    set('trace.parent_id', span.spanId);
    set('name', event.name);
    set('parent_name', span.name);
    set('meta.annotation_type', 'span_event');
    for (const [k, v] of shared()) f.set(k, v);
    add(f, event.attributes, 'event');
    if (isError) f.set('error', { key: 'error', value: { type: 'bool', value: true }, from: 'honeycomb' });
    events.push({ kind: 'span_event', timestamp: nanosToMillis(event.timeUnixNano), fields: [...f.values()] });
  }
  for (const link of span.links) {
    const f = new Map<string, HoneycombField>();
    const set = (key: string, value: string): void => void f.set(key, { key, value: { type: 'string', value }, from: 'honeycomb' });
    set('trace.trace_id', span.traceId);
    set('trace.parent_id', span.spanId);
    set('trace.link.trace_id', link.traceId);
    set('trace.link.span_id', link.spanId);
    set('parent_name', span.name);
    set('meta.annotation_type', 'link');
    for (const [k, v] of shared()) f.set(k, v);
    add(f, link.attributes, 'link');
    if (isError) f.set('error', { key: 'error', value: { type: 'bool', value: true }, from: 'honeycomb' });
    events.push({ kind: 'link', timestamp: start, fields: [...f.values()] });
  }
  return { dataset: datasetOf(stored), sampleRate, events };
}

/** Environment keys: the dataset is service.name ("unknown_service" when missing); Classic keys: the dataset header. */
function datasetOf(stored: StoredSpan): string {
  if (stored.delivery.keyKind === 'classic') return stored.delivery.dataset ?? '(none: Honeycomb rejects a Classic key without a dataset)';
  const service = stored.resource.attributes.find((a) => a.key === 'service.name');
  const name = service !== undefined && 'stringValue' in service.value ? service.value.stringValue.trim() : '';
  return name === '' || name.startsWith('unknown_service') ? 'unknown_service' : name;
}

function add(fields: Map<string, HoneycombField>, attributes: readonly KeyValue[], from: HoneycombField['from'], prefix = '', depth = 0): void {
  for (const { key, value } of attributes) {
    if (key === '' && prefix === '') continue;
    const name = prefix + key;
    if ('kvlistValue' in value) {
      if (depth < MAX_FLATTEN_DEPTH) add(fields, value.kvlistValue.values, from, `${name}.`, depth + 1);
      else fields.set(name, { key: name, value: { type: 'json', value: JSON.stringify(plain(value)) }, from });
      continue;
    }
    if ('stringValue' in value || 'boolValue' in value || 'intValue' in value || 'doubleValue' in value || 'arrayValue' in value || 'bytesValue' in value) {
      fields.set(name, { key: name, value: fieldValue(value), from });
    }
  }
}

/** Honeycomb reads `sampleRate`, else `SampleRate` (an integer or a decimal string), removes it, and treats 0 as 1. */
function takeSampleRate(fields: Map<string, HoneycombField>): number {
  const key = fields.has('sampleRate') ? 'sampleRate' : fields.has('SampleRate') ? 'SampleRate' : undefined;
  if (key === undefined) return 1;
  const { type, value } = fields.get(key)!.value;
  fields.delete(key);
  const n = type === 'int' ? Number(value) : type === 'string' && /^\d+$/.test(String(value)) ? Number(value) : 1;
  return n <= 0 ? 1 : Math.min(n, 2 ** 31 - 1);
}
