import { describe, expect, it } from 'vitest';
import { spanDefaults } from '../otlp/normalise';
import type { TraceRequest } from '../otlp/types';
import { parseDatagram } from '../xray/datagram';
import { toW3CTraceId, TraceStore } from './trace-store';

const delivery = { keyKind: 'none', encoding: 'json' } as const;
const request = (traceId: string, ...spanIds: string[]): TraceRequest => ({
  resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: '', attributes: [], droppedAttributesCount: 0 }, spans: spanIds.map((spanId) => ({ ...spanDefaults(), traceId, spanId })) }] }],
});
const trace = (n: number) => n.toString(16).padStart(32, '0');

describe('TraceStore bounds', () => {
  it('should keep the last maxTraces traces, dropping the least recently updated', () => {
    const store = new TraceStore({ maxTraces: 2, maxSpansPerTrace: 10 });
    store.addRequest(request(trace(1), '0000000000000001'), delivery, 1);
    store.addRequest(request(trace(2), '0000000000000002'), delivery, 2);
    store.addRequest(request(trace(1), '0000000000000003'), delivery, 3); // trace 1 is now the freshest
    store.addRequest(request(trace(3), '0000000000000004'), delivery, 4);
    expect(store.entries().map((e) => e.traceId)).toEqual([trace(3), trace(1)]);
    expect(store.stats.evictedTraces).toBe(1);
  });

  it('should keep maxSpansPerTrace spans and datagrams per trace and count the rest; a resent span replaces its copy', () => {
    const store = new TraceStore({ maxTraces: 5, maxSpansPerTrace: 2 });
    store.addRequest(request(trace(1), '0000000000000001', '0000000000000002', '0000000000000003'), delivery);
    store.addRequest(request(trace(1), '0000000000000001'), delivery);
    const entry = store.get(trace(1))!;
    expect([...entry.spans.keys()]).toEqual(['0000000000000001', '0000000000000002']);
    expect(entry.droppedSpans).toBe(1);
    const doc = (id: string) => parseDatagram(Buffer.from(`{"format":"json","version":1}\n{"trace_id":"1-${trace(1).slice(0, 8)}-${trace(1).slice(8)}","id":"${id}"}`));
    for (const id of ['a', 'b', 'c']) store.addDatagram(doc(id));
    expect(entry.datagrams).toHaveLength(2);
    expect(entry.droppedDatagrams).toBe(1);
  });

  it('should not file spans without valid ids, and keep datagrams without a trace id apart (bounded)', () => {
    const store = new TraceStore({ maxTraces: 5, maxSpansPerTrace: 5 });
    store.addRequest(request('0'.repeat(32), '0000000000000001'), delivery);
    store.addRequest(request('xyz', '0000000000000001'), delivery);
    expect(store.size).toBe(0);
    expect(store.stats.spansWithoutIds).toBe(2);
    for (let i = 0; i < 60; i++) store.addDatagram(parseDatagram(Buffer.from('garbage')));
    expect(store.unattributed).toHaveLength(50);
  });

  it('should tell listeners which trace changed', () => {
    const store = new TraceStore({ maxTraces: 5, maxSpansPerTrace: 5 });
    const heard: (string | undefined)[] = [];
    store.onChange((id) => heard.push(id));
    store.addRequest(request(trace(7), '0000000000000001'), delivery);
    store.addDatagram(parseDatagram(Buffer.from('garbage')));
    expect(heard).toEqual([trace(7), undefined]);
  });

  it('should convert X-Ray trace ids to the W3C form', () => {
    expect(toW3CTraceId('1-5759E988-bd862e3fe1be46a994272793')).toBe('5759e988bd862e3fe1be46a994272793');
    expect(toW3CTraceId('1-5759e988-bd86')).toBeUndefined();
  });
});
