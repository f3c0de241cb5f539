/**
 * Worker side of the export-worker prototype: batch buffers back into span objects with the fields the exporters read
 * (the `ReadableSpan` shape; see src/exporters/otlp/span-view.ts), with hex ids, the worker's own Resource, one scope
 * object per scope and one TraceState per distinct `tracestate` string.
 */
import { createTraceState, type Attributes, type HrTime, type Link, type SpanContext, type TraceState } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import * as f from './format';

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const EMPTY_EVENTS: TimedEvent[] = [];
const EMPTY_LINKS: Link[] = [];

export class RecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private view = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private table: string[] = [];
  private scopes: InstrumentationScope[] = [];
  private readonly states = new Map<string, TraceState>();
  private readonly scopeObjects = new Map<string, InstrumentationScope>();

  constructor(private readonly resource: Resource) {}

  /** Calls `each` for every span in the first `length` bytes of `buffer`. */
  read(buffer: ArrayBuffer, length: number, each: (span: ReadableSpan) => void): void {
    this.buf = Buffer.from(buffer, 0, length);
    this.view = new DataView(buffer, 0, length);
    this.pos = 0;
    while (this.pos < length) {
      const type = this.buf[this.pos++];
      if (type === f.RECORD_RESET) {
        this.table = [];
        this.scopes = [];
      } else if (type === f.RECORD_SPAN) each(this.span());
      else throw new Error(`export worker: unknown record type ${type} at ${this.pos - 1}`);
    }
  }

  private span(): ReadableSpan {
    const head = this.buf[this.pos++]!;
    const context = this.context();
    let parentSpanContext: SpanContext | undefined;
    if ((head & f.HAS_PARENT) !== 0) {
      parentSpanContext = { traceId: context.traceId, spanId: this.hexId(8), traceFlags: context.traceFlags };
      if ((head & f.PARENT_REMOTE_SET) !== 0) parentSpanContext.isRemote = (head & f.PARENT_REMOTE) !== 0;
    }
    const name = this.str();
    const instrumentationScope = this.scope();
    const startTime = this.time();
    const endTime = this.time();
    const code = this.buf[this.pos++]!;
    const message = this.str();
    const attributes = this.attributes();
    const droppedAttributesCount = this.varint();
    let n = this.varint();
    const events: TimedEvent[] = n === 0 ? EMPTY_EVENTS : [];
    for (let i = 0; i < n; i++) events.push(this.event());
    const droppedEventsCount = this.varint();
    n = this.varint();
    const links: Link[] = n === 0 ? EMPTY_LINKS : [];
    for (let i = 0; i < n; i++) links.push(this.link());
    const droppedLinksCount = this.varint();
    let durationNs = endTime[1] - startTime[1];
    let durationS = endTime[0] - startTime[0];
    if (durationNs < 0) {
      durationS -= 1;
      durationNs += 1e9;
    }
    return {
      name,
      kind: head & 7,
      spanContext: () => context,
      parentSpanContext,
      startTime,
      endTime,
      status: message === '' ? { code } : { code, message },
      attributes,
      links,
      events,
      duration: [durationS, durationNs],
      ended: true,
      resource: this.resource,
      instrumentationScope,
      droppedAttributesCount,
      droppedEventsCount,
      droppedLinksCount,
    };
  }

  private context(): SpanContext {
    const traceFlags = this.buf[this.pos++]!;
    const traceId = this.hexId(16);
    const spanId = this.hexId(8);
    const state = this.str();
    const context: SpanContext = { traceId, spanId, traceFlags };
    if (state !== '') {
      let traceState = this.states.get(state);
      if (traceState === undefined) {
        if (this.states.size >= f.TABLE_MAX_ENTRIES) this.states.clear();
        this.states.set(state, (traceState = createTraceState(state)));
      }
      context.traceState = traceState;
    }
    return context;
  }

  private event(): TimedEvent {
    const time = this.time();
    const name = this.str();
    const attributes = this.attributes();
    const droppedAttributesCount = this.varint();
    return { time, name, attributes, droppedAttributesCount };
  }

  private link(): Link {
    const context = this.context();
    const remote = this.buf[this.pos++];
    if (remote !== 2) context.isRemote = remote === 1;
    const attributes = this.attributes();
    const droppedAttributesCount = this.varint();
    return { context, attributes, droppedAttributesCount };
  }

  private scope(): InstrumentationScope {
    const x = this.varint();
    if ((x & 1) === 0) return this.scopes[x >>> 1]!;
    const name = this.str();
    const version = this.str();
    const schemaUrl = this.str();
    // One object per scope across table resets: the OTLP encoder groups spans by scope object.
    const key = `${name}\0${version}\0${schemaUrl}`;
    let scope = this.scopeObjects.get(key);
    if (scope === undefined) {
      scope = { name, ...(version !== '' && { version }), ...(schemaUrl !== '' && { schemaUrl }) };
      this.scopeObjects.set(key, scope);
    }
    this.scopes.push(scope);
    return scope;
  }

  private attributes(): Attributes {
    const n = this.varint();
    const out: Attributes = {};
    for (let i = 0; i < n; i++) {
      const key = this.str();
      out[key] = this.value() as Attributes[string];
    }
    return out;
  }

  private value(): unknown {
    const tag = this.buf[this.pos++];
    switch (tag) {
      case f.V_STRING:
        return this.str();
      case f.V_TRUE:
        return true;
      case f.V_FALSE:
        return false;
      case f.V_UINT:
        return this.varint();
      case f.V_DOUBLE: {
        const x = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return x;
      }
      case f.V_ARRAY: {
        const n = this.varint();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value());
        return out;
      }
      case f.V_BYTES: {
        const n = this.varint();
        const out = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return out;
      }
      case f.V_KVLIST:
        return this.attributes();
      default:
        return null;
    }
  }

  private time(): HrTime {
    const t: HrTime = [this.view.getUint32(this.pos, true), this.view.getUint32(this.pos + 4, true)];
    this.pos += 8;
    return t;
  }

  private hexId(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += HEX_PAIRS[this.buf[this.pos++]!];
    return s;
  }

  private str(): string {
    const x = this.varint();
    const tag = x & 3;
    if (tag === f.STR_REF) return this.table[x >>> 2]!;
    const n = x >>> 2;
    const start = this.pos;
    this.pos += n;
    if (tag === f.STR_UTF8) return this.buf.toString('utf8', start, start + n);
    const s = this.buf.toString('latin1', start, start + n);
    if (tag === f.STR_DEFINE) this.table.push(s);
    return s;
  }

  private varint(): number {
    const buf = this.buf;
    let x = 0;
    let shift = 0;
    let b: number;
    do {
      b = buf[this.pos++]!;
      x += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return x;
  }
}
