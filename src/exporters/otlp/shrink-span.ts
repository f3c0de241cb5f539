/**
 * Makes one oversize span fit a byte limit before it is sent over OTLP: the rare path (a span carrying megabytes of
 * SQL, payloads or stack traces), so clarity beats speed. The span itself is never changed; a copy with the cuts is
 * returned, and the X-Ray daemon path (which shrinks its own documents) is not affected.
 *
 * Order, as the daemon path's document shrinking: long strings and long arrays first (attribute values of the span,
 * its events and links, the status message), then events and links beyond the first few, then a skeleton (ids, name,
 * kind, times, status code) so the trace tree stays intact. The cut keys are listed in the attribute
 * `dualtrace.truncated`.
 */
import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { copySpan, type Mutable } from './span-view';

/** The attribute listing what was cut (at most {@link LISTED_CUTS} keys, then a count). */
export const TRUNCATED_ATTRIBUTE = 'dualtrace.truncated';
/** Appended to every cut string so readers see the value is partial (the daemon path writes the same mark). */
export const TRUNCATION_MARK = '…[truncated]';
const KEPT_STRING_CHARS = 1_000;
const KEPT_ARRAY_ITEMS = 100;
const KEPT_EVENTS = 10;
const KEPT_LINKS = 10;
const LISTED_CUTS = 20;

/** Returns a copy of `span` whose `measure` is ≤ `maxBytes`, or `undefined` when even its skeleton is larger. */
export function shrinkSpan(span: ReadableSpan, maxBytes: number, measure: (span: ReadableSpan) => number): ReadableSpan | undefined {
  const cuts: string[] = [];
  let work = copySpan(span);
  work.attributes = cutAttributes(span.attributes, '', cuts);
  work.events = span.events.map((event, i) => ({ ...event, attributes: cutAttributes(event.attributes, `events.${i}.`, cuts) }));
  work.links = span.links.map((link, i) => ({ ...link, attributes: cutAttributes(link.attributes, `links.${i}.`, cuts) }));
  if (span.status.message !== undefined && span.status.message.length > KEPT_STRING_CHARS) {
    work.status = { ...span.status, message: cutString(span.status.message) };
    cuts.push('status.message');
  }
  if (measure(marked(work, cuts)) <= maxBytes) return marked(work, cuts);

  if (work.events.length > KEPT_EVENTS) {
    work.droppedEventsCount += work.events.length - KEPT_EVENTS;
    work.events = work.events.slice(0, KEPT_EVENTS);
    cuts.push('events');
  }
  if (work.links.length > KEPT_LINKS) {
    work.droppedLinksCount += work.links.length - KEPT_LINKS;
    work.links = work.links.slice(0, KEPT_LINKS);
    cuts.push('links');
  }
  if (measure(marked(work, cuts)) <= maxBytes) return marked(work, cuts);

  cuts.push('*');
  work = skeleton(work);
  const last = marked(work, cuts);
  return measure(last) <= maxBytes ? last : undefined;
}

export function cutString(value: string, chars = KEPT_STRING_CHARS): string {
  return value.length <= chars ? value : value.slice(0, chars) + TRUNCATION_MARK;
}

function cutAttributes(attributes: Attributes | undefined, prefix: string, cuts: string[]): Attributes {
  const out: Attributes = {};
  if (attributes === undefined) return out;
  for (const [key, value] of Object.entries(attributes)) {
    const cut = cutValue(value);
    if (cut !== value) cuts.push(prefix + key);
    out[key] = cut;
  }
  return out;
}

function cutValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return value.length > KEPT_STRING_CHARS ? cutString(value) : value;
  if (!Array.isArray(value)) return value;
  const long = value.length > KEPT_ARRAY_ITEMS || value.some((item) => typeof item === 'string' && item.length > KEPT_STRING_CHARS);
  if (!long) return value;
  return value.slice(0, KEPT_ARRAY_ITEMS).map((item) => (typeof item === 'string' ? cutString(item) : item)) as AttributeValue;
}

/** The span with the list of cuts added as an attribute. */
function marked(work: Mutable<ReadableSpan>, cuts: readonly string[]): ReadableSpan {
  if (cuts.length === 0) return work;
  const listed = cuts.length > LISTED_CUTS ? [...cuts.slice(0, LISTED_CUTS), `…${cuts.length - LISTED_CUTS} more`] : [...cuts];
  return { ...work, attributes: { ...work.attributes, [TRUNCATED_ATTRIBUTE]: listed.map((cut) => cutString(cut, 100)) } };
}

/** What places the span in its trace and says how it ended; every attribute, event and link goes. */
function skeleton(work: Mutable<ReadableSpan>): Mutable<ReadableSpan> {
  return {
    ...work,
    name: cutString(work.name),
    attributes: {},
    droppedAttributesCount: work.droppedAttributesCount + Object.keys(work.attributes).length,
    events: [] as TimedEvent[],
    droppedEventsCount: work.droppedEventsCount + work.events.length,
    links: [] as Link[],
    droppedLinksCount: work.droppedLinksCount + work.links.length,
    status: { code: work.status.code, ...(work.status.message === undefined ? {} : { message: cutString(work.status.message) }) },
  };
}
