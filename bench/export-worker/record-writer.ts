/**
 * Request-thread side of the export-worker prototype: each ended span becomes one compact binary record (format.ts)
 * appended to a batch buffer, which is handed to the worker whole (a transferred ArrayBuffer: no copy, no per-span
 * message). Writes past the buffer's end are no-ops on a typed array, so the writer checks room once per record and
 * rewrites a record that did not fit into a fresh buffer.
 */
import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import * as f from './format';

const HEX = new Uint8Array(128).fill(0);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;
for (let i = 0; i < 6; i++) HEX[65 + i] = 10 + i;
const encoder = new TextEncoder();

export class RecordWriter {
  buf: Uint8Array;
  private view: DataView;
  pos = 0;
  /** Spans in the current buffer. */
  spans = 0;
  private readonly table = new Map<string, number>();
  private readonly scopes = new Map<InstrumentationScope, number>();
  private resetPending = false;

  constructor(private readonly capacity = 256 * 1024) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Appends `span`; returns false when it was dropped (a single record larger than the largest buffer allowed). */
  write(span: ReadableSpan): boolean {
    const start = this.pos;
    this.record(span);
    if (this.pos <= this.buf.length) {
      this.spans++;
      return true;
    }
    // Did not fit: what it defined in the tables never reached the worker, so both sides start the tables afresh.
    this.pos = start;
    this.resetTables();
    return false;
  }

  /** The batch so far, to transfer; the writer goes on in `next` (a returned buffer, or a new one). */
  take(next?: ArrayBuffer): { buffer: ArrayBuffer; length: number; spans: number } {
    const out = { buffer: this.buf.buffer as ArrayBuffer, length: this.pos, spans: this.spans };
    this.buf = new Uint8Array(next ?? new ArrayBuffer(this.capacity));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    this.spans = 0;
    return out;
  }

  private resetTables(): void {
    this.table.clear();
    this.scopes.clear();
    this.resetPending = true;
  }

  private record(span: ReadableSpan): void {
    if (this.resetPending || this.table.size >= f.TABLE_MAX_ENTRIES) {
      if (!this.resetPending) this.resetTables();
      this.resetPending = false;
      this.byte(f.RECORD_RESET);
    }
    this.byte(f.RECORD_SPAN);
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    let head = span.kind & 7;
    if (parent?.spanId) {
      head |= f.HAS_PARENT;
      if (parent.isRemote !== undefined) head |= f.PARENT_REMOTE_SET | (parent.isRemote ? f.PARENT_REMOTE : 0);
    }
    this.byte(head);
    this.context(context);
    if (parent?.spanId) this.hexId(parent.spanId, 8);
    this.str(span.name);
    this.scope(span.instrumentationScope);
    this.time(span.startTime);
    this.time(span.endTime);
    const status = span.status;
    this.byte(status.code);
    this.str(status.message ?? '');
    this.attributes(span.attributes);
    this.varint(span.droppedAttributesCount);
    const events = span.events;
    this.varint(events.length);
    for (let i = 0; i < events.length; i++) this.event(events[i]!);
    this.varint(span.droppedEventsCount);
    const links = span.links;
    this.varint(links.length);
    for (let i = 0; i < links.length; i++) this.link(links[i]!);
    this.varint(span.droppedLinksCount);
  }

  private context(context: SpanContext): void {
    this.byte(context.traceFlags);
    this.hexId(context.traceId, 16);
    this.hexId(context.spanId, 8);
    const state = context.traceState;
    this.str(state === undefined ? '' : state.serialize());
  }

  private event(event: TimedEvent): void {
    this.time(event.time);
    this.str(event.name);
    this.attributes(event.attributes ?? EMPTY);
    this.varint(event.droppedAttributesCount ?? 0);
  }

  private link(link: Link): void {
    this.context(link.context);
    this.byte(link.context.isRemote === undefined ? 2 : link.context.isRemote ? 1 : 0);
    this.attributes(link.attributes ?? EMPTY);
    this.varint(link.droppedAttributesCount ?? 0);
  }

  private scope(scope: InstrumentationScope): void {
    const id = this.scopes.get(scope);
    if (id !== undefined) {
      this.varint(id << 1);
      return;
    }
    const next = this.scopes.size;
    this.scopes.set(scope, next);
    this.varint(1);
    this.str(scope.name);
    this.str(scope.version ?? '');
    this.str(scope.schemaUrl ?? '');
  }

  private attributes(attributes: Attributes): void {
    const names = Object.keys(attributes);
    this.varint(names.length);
    for (let i = 0; i < names.length; i++) {
      const key = names[i]!;
      this.str(key);
      this.value(attributes[key]);
    }
  }

  private value(value: unknown): void {
    if (typeof value === 'string') {
      this.byte(f.V_STRING);
      this.str(value);
    } else if (typeof value === 'number') {
      if (value >= 0 && value <= 0x7fffffff && (value | 0) === value && !Object.is(value, -0)) {
        this.byte(f.V_UINT);
        this.varint(value);
      } else {
        this.byte(f.V_DOUBLE);
        this.f64(value);
      }
    } else if (typeof value === 'boolean') this.byte(value ? f.V_TRUE : f.V_FALSE);
    else if (value === null || value === undefined || typeof value !== 'object') this.byte(f.V_NULL);
    else if (Array.isArray(value)) {
      this.byte(f.V_ARRAY);
      this.varint(value.length);
      for (let i = 0; i < value.length; i++) this.value(value[i]);
    } else if (value instanceof Uint8Array) {
      this.byte(f.V_BYTES);
      this.varint(value.length);
      if (this.room(value.length)) this.buf.set(value, this.pos);
      this.pos += value.length;
    } else {
      this.byte(f.V_KVLIST);
      this.attributes(value as Attributes);
    }
  }

  private time(t: HrTime): void {
    if (this.room(8)) {
      this.view.setUint32(this.pos, t[0], true);
      this.view.setUint32(this.pos + 4, t[1], true);
    }
    this.pos += 8;
  }

  private hexId(hex: string, bytes: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes; i++) buf[p++] = (HEX[hex.charCodeAt(2 * i) & 127]! << 4) | HEX[hex.charCodeAt(2 * i + 1) & 127]!;
    this.pos = p;
  }

  private str(s: string): void {
    const id = this.table.get(s);
    if (id !== undefined) {
      this.varint(id << 2);
      return;
    }
    const n = s.length;
    const start = this.pos;
    const tabled = n <= f.TABLE_MAX_LENGTH;
    this.varint((n << 2) | (tabled ? f.STR_DEFINE : f.STR_INLINE));
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.pos = start;
        this.utf8(s);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
    if (tabled) this.table.set(s, this.table.size);
  }

  private utf8(s: string): void {
    const max = s.length * 3;
    const start = this.pos;
    this.pos += 5; // a fixed-size varint slot for the byte length, filled in below
    if (!this.room(max)) {
      this.pos += max;
      return;
    }
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + max));
    this.pos += written;
    const x = written * 4 + f.STR_UTF8;
    const buf = this.buf;
    buf[start] = (x & 0x7f) | 0x80;
    buf[start + 1] = ((x >>> 7) & 0x7f) | 0x80;
    buf[start + 2] = ((x >>> 14) & 0x7f) | 0x80;
    buf[start + 3] = ((x >>> 21) & 0x7f) | 0x80;
    buf[start + 4] = (x >>> 28) & 0x7f;
  }

  private room(n: number): boolean {
    return this.pos + n <= this.buf.length;
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  private varint(n: number): void {
    const buf = this.buf;
    let p = this.pos;
    while (n > 0x7f) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.pos = p;
  }

  private f64(x: number): void {
    if (this.room(8)) this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }
}

const EMPTY: Attributes = {};
