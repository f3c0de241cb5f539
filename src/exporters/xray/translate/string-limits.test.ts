import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { MAX_STRING_LENGTH } from './limits';
import { createSegmentTranslator } from './segment';
import { NODE_RESOURCE, PARENT, createTestTracing } from '../../../../test/helpers/translator';

const LONG = 'x'.repeat(5_000);
// Fields whose content is the point (a whole URL, a query, a message, a stack) are bounded by the document size instead;
// names have their own 200; annotations their own 1,000; metadata is free.
const OWN_LIMIT = /^(name|http\.request\.url|sql\.(url|connection_string|sanitized_query)|cause\.exceptions\.\d+\.(message|stack\..*)|annotations\..*|metadata\..*)$/;

/** Every string in the document with its path. */
function strings(value: unknown, path = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, path === '' ? String(i) : `${path}.${i}`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) strings(item, path === '' ? key : `${path}.${key}`, out);
  }
  return out;
}

describe('free strings cut to X-Ray limits', () => {
  it(`should cut every string field without a limit of its own to ${250} characters (segment documents: "up to 250 characters unless noted")`, () => {
    expect(MAX_STRING_LENGTH).toBe(250);
    const { span } = createTestTracing({ ...NODE_RESOURCE, 'service.version': LONG, 'cloud.provider': 'aws', 'cloud.platform': 'aws_ec2', 'host.id': LONG, 'cloud.availability_zone': LONG });
    const translate = createSegmentTranslator();
    const docs = [
      translate(span({ kind: SpanKind.SERVER, attributes: {
        'enduser.id': LONG, 'http.request.method': '_OTHER', 'http.request.method_original': LONG, 'user_agent.original': LONG,
        'url.path': `/${LONG}`, 'server.address': 'api.example.com', 'client.address': '203.0.113.7' } })),
      translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: {
        'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': LONG, 'aws.operation': LONG, 'aws.region': LONG,
        'aws.request_id': LONG, 'aws.extended_request_id': LONG, 'aws.account_id': LONG, 'aws.sqs.queue.url': LONG,
        'aws.dynamodb.table_names': [LONG, LONG] } })),
      translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: {
        'db.system': 'postgresql', 'db.user': LONG, 'db.statement': `SELECT ${LONG}`, 'db.connection_string': `postgres://db/${LONG}` } })),
      translate(span({ kind: SpanKind.INTERNAL, parent: PARENT, body: (live) => {
        live.recordException(Object.assign(new Error(LONG), { name: `E${LONG}` }));
      } })),
    ];
    for (const doc of docs) {
      expect(doc).toBeDefined();
      for (const [path, value] of strings(doc)) {
        if (!OWN_LIMIT.test(path)) expect(value.length, path).toBeLessThanOrEqual(250);
      }
    }
    expect(docs[0]!.user).toHaveLength(250);
    expect(docs[1]!.aws?.operation).toHaveLength(250);
  });
});

describe('a root CLIENT span (a script or job making a call)', () => {
  const { span } = createTestTracing({ ...NODE_RESOURCE, 'service.name': 'nightly-job' });
  const translate = createSegmentTranslator();

  it("should become a segment named after the service, with the call as its subsegment, as the X-Ray SDK's would be", () => {
    const call = span({ name: 'GET', kind: SpanKind.CLIENT, attributes: {
      'http.request.method': 'GET', 'url.full': 'https://api.example.com/report', 'server.address': 'api.example.com',
      'http.response.status_code': 503, 'enduser.id': 'ops' } });
    const doc = translate(call)!;
    expect(doc.name).toBe('nightly-job');
    expect(doc.type).toBeUndefined();
    expect(doc.id).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.id).not.toBe(call.spanContext().spanId);
    expect(doc.user).toBe('ops');
    expect(doc.subsegments).toHaveLength(1);
    const sub = doc.subsegments![0] as unknown as Record<string, unknown>;
    // The call keeps the span's id, so a callee that continued the trace points at it.
    expect(sub).toMatchObject({ name: 'api.example.com', id: call.spanContext().spanId, namespace: 'remote', fault: true,
      http: { request: { method: 'GET', url: 'https://api.example.com/report' }, response: { status: 503 } } });
    expect(sub.trace_id).toBeUndefined();
    expect([sub.start_time, sub.end_time]).toEqual([doc.start_time, doc.end_time]);
    expect(translate(call)!.id).toBe(doc.id); // the same span always gets the same segment id
  });

  it('should leave a CLIENT span with a parent a subsegment', () => {
    expect(translate(span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: { 'server.address': 'api.example.com' } }))).toMatchObject({
      type: 'subsegment', name: 'api.example.com' });
  });
});
