import { describe, expect, it } from 'vitest';
import { spanDefaults } from '../otlp/normalise';
import type { KeyValue, OtlpSpan } from '../otlp/types';
import type { Delivery, StoredSpan } from '../store/trace-store';
import { toHoneycomb } from './honeycomb';
import { hopsOf } from './hops';

const TRACE = '5759e988bd862e3fe1be46a994272793';
const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function stored(span: Partial<OtlpSpan>, service = 'api', delivery: Delivery = { keyKind: 'environment', encoding: 'protobuf' }): StoredSpan {
  return {
    span: { ...spanDefaults(), traceId: TRACE, spanId: '1111111111111111', name: 'GET /', kind: 2, startTimeUnixNano: '1000000000', endTimeUnixNano: '1250000000', flags: 1, ...span },
    resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0 },
    scope: { name: 'dualtrace/express', version: '0.1.0', attributes: [], droppedAttributesCount: 0 },
    receivedAt: 0,
    delivery,
  };
}
const fieldsOf = (s: StoredSpan, event = 0) => Object.fromEntries(toHoneycomb(s).events[event]!.fields.map((f) => [f.key, f.value.value]));

describe('toHoneycomb (what Honeycomb stores for a span)', () => {
  it('should write Honeycomb\'s own fields, then resource, scope and span attributes', () => {
    const f = fieldsOf(stored({ parentSpanId: '2222222222222222', status: { code: 2, message: 'boom' }, attributes: [str('http.route', '/')] }));
    expect(f).toMatchObject({
      name: 'GET /', 'trace.trace_id': TRACE, 'trace.span_id': '1111111111111111', 'trace.parent_id': '2222222222222222',
      'span.kind': 'server', duration_ms: 250, status_code: 2, error: true, status_message: 'boom', 'service.name': 'api',
      'library.name': 'dualtrace/express', 'library.version': '0.1.0', 'http.route': '/', 'meta.signal_type': 'trace',
    });
    expect(fieldsOf(stored({}))).not.toHaveProperty('error');
  });

  it('should flatten key-value lists with dots (5 levels), write arrays and bytes as JSON, and take SampleRate out', () => {
    const deep = (n: number): KeyValue => (n === 0 ? str('leaf', 'x') : { key: `l${n}`, value: { kvlistValue: { values: [deep(n - 1)] } } });
    const s = stored({ attributes: [
      { key: 'user', value: { kvlistValue: { values: [str('id', 'u1'), { key: 'tier', value: { intValue: '3' } }] } } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
      { key: 'raw', value: { bytesValue: 'AAH/' } },
      { key: 'SampleRate', value: { intValue: '10' } },
      deep(7),
    ] });
    const f = fieldsOf(s);
    expect(f['user.id']).toBe('u1');
    expect(f['user.tier']).toBe(3);
    expect(f.tags).toBe('["a",2]');
    expect(f.raw).toBe('"AAH/"');
    expect(f).not.toHaveProperty('SampleRate');
    expect(toHoneycomb(s).sampleRate).toBe(10);
    expect(f['l7.l6.l5.l4.l3.l2']).toBe('{"l1":{"leaf":"x"}}');
  });

  it('should make each span event and link an event of its own', () => {
    const s = stored({
      status: { code: 2 },
      events: [{ name: 'exception', timeUnixNano: '1100000000', attributes: [str('exception.message', 'boom')], droppedAttributesCount: 0 }],
      links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: [], droppedAttributesCount: 0, flags: 0 }],
    });
    const view = toHoneycomb(s);
    expect(view.events.map((e) => e.kind)).toEqual(['span', 'span_event', 'link']);
    expect(fieldsOf(s, 1)).toMatchObject({ name: 'exception', 'trace.parent_id': '1111111111111111', parent_name: 'GET /', 'meta.annotation_type': 'span_event', 'exception.message': 'boom', error: true, 'service.name': 'api' });
    expect(fieldsOf(s, 2)).toMatchObject({ 'trace.link.trace_id': 'a'.repeat(32), 'trace.link.span_id': 'b'.repeat(16), 'meta.annotation_type': 'link' });
  });

  it('should name the dataset after the service for environment keys, and take the header for Classic keys', () => {
    expect(toHoneycomb(stored({}, 'api')).dataset).toBe('api');
    expect(toHoneycomb(stored({}, 'unknown_service:node')).dataset).toBe('unknown_service');
    expect(toHoneycomb(stored({}, 'api', { keyKind: 'classic', dataset: 'backend', encoding: 'protobuf' })).dataset).toBe('backend');
  });
});

describe('hopsOf (the headers each hop carried)', () => {
  it('should rebuild the headers between a client span and the server span of another service, and prefer recorded ones', () => {
    const client = stored({ spanId: 'cccccccccccccccc', parentSpanId: '1111111111111111', kind: 3, name: 'GET' }, 'api');
    const server = stored({ spanId: 'dddddddddddddddd', parentSpanId: 'cccccccccccccccc', kind: 2, name: 'GET /users/:id', flags: 0x301, traceState: 'vendor=a',
      attributes: [{ key: 'http.request.header.baggage', value: { arrayValue: { values: [{ stringValue: 'tenant=a' }] } } }] }, 'users');
    const hops = hopsOf(new Map([[client.span.spanId, client], [server.span.spanId, server]]));
    const incoming = hops.find((h) => h.direction === 'in')!;
    expect(incoming.peer).toBe('api: GET');
    const header = Object.fromEntries(incoming.headers.map((h) => [h.name, h]));
    expect(header.traceparent).toMatchObject({ value: `00-${TRACE}-cccccccccccccccc-01`, source: 'reconstructed' });
    expect(header['x-amzn-trace-id']).toMatchObject({ value: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=cccccccccccccccc;Sampled=1', source: 'reconstructed' });
    expect(header.tracestate).toMatchObject({ value: 'vendor=a', source: 'reconstructed' });
    expect(header.baggage).toMatchObject({ value: 'tenant=a', source: 'recorded' });
    const outgoing = hops.find((h) => h.direction === 'out')!;
    expect(outgoing.peer).toBe('users: GET /users/:id');
    expect(outgoing.headers.find((h) => h.name === 'baggage')!.source).toBe('unknown');
  });

  it("should rebuild X-Amzn-Trace-Id's Sampled from X-Ray's decision in dt, and leave it out when dt leaves X-Ray undecided", () => {
    const sampledOf = (traceState: string): string => {
      const client = stored({ spanId: 'cccccccccccccccc', parentSpanId: '1111111111111111', kind: 3, name: 'GET', traceState }, 'api');
      const server = stored({ spanId: 'dddddddddddddddd', parentSpanId: 'cccccccccccccccc', kind: 2, name: 'GET /', flags: 0x301, traceState }, 'users');
      const hops = hopsOf(new Map([[client.span.spanId, client], [server.span.spanId, server]]));
      return hops.find((h) => h.direction === 'in')!.headers.find((h) => h.name === 'x-amzn-trace-id')!.value!;
    };
    expect(sampledOf('dt=x0h1')).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=cccccccccccccccc;Sampled=0');
    expect(sampledOf('vendor=a,dt=h1r10')).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=cccccccccccccccc');
  });

  it('should see no hop between spans of one process', () => {
    const parent = stored({ kind: 1 });
    const child = stored({ spanId: '3333333333333333', parentSpanId: '1111111111111111', kind: 2 });
    expect(hopsOf(new Map([[parent.span.spanId, parent], [child.span.spanId, child]]))).toEqual([]);
  });
});
