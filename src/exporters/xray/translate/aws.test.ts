import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AWS_API_KEYS, makeAws } from './aws';
import { createSegmentTranslator } from './segment';
import { PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const translate = createSegmentTranslator();

/** What @opentelemetry/instrumentation-aws-sdk records for a DynamoDB call. */
const DYNAMODB_QUERY = {
  'rpc.system': 'aws-api',
  'rpc.method': 'Query',
  'rpc.service': 'DynamoDB',
  'cloud.region': 'us-east-1',
  'aws.request.id': 'V8O6N6SRVDCG9JUMJ0RVAPIN3BVV4KQNSO5AEMVJF66Q9ASUAAJG',
  'db.system': 'dynamodb',
  'aws.dynamodb.table_names': ['cruddur-messages'],
  'http.status_code': 200,
};

describe('makeAws', () => {
  it('should map the OTel JS aws-sdk keys (operation, region, request id, table)', () => {
    const s = span({ kind: SpanKind.CLIENT, parent: PARENT, attributes: DYNAMODB_QUERY });
    expect(makeAws(s.attributes)).toEqual({
      aws: {
        operation: 'Query',
        region: 'us-east-1',
        request_id: 'V8O6N6SRVDCG9JUMJ0RVAPIN3BVV4KQNSO5AEMVJF66Q9ASUAAJG',
        table_name: 'cruddur-messages',
      },
      consumed: AWS_API_KEYS,
    });
  });

  it('should map the collector keys and several tables', () => {
    expect(
      makeAws({
        'aws.operation': 'BatchGetItem',
        'aws.account_id': '123456789012',
        'aws.region': 'eu-west-1',
        'aws.requestId': 'r-1',
        'aws.dynamodb.table_names': ['a', 'b'],
        'aws.extended_request_id': 'id2',
        'aws.retries': 2,
      }).aws,
    ).toEqual({
      account_id: '123456789012',
      operation: 'BatchGetItem',
      region: 'eu-west-1',
      request_id: 'r-1',
      id_2: 'id2',
      retries: 2,
      table_names: ['a', 'b'],
    });
  });

  it('should map SQS queue URLs from aws.sqs.queue.url or messaging.url', () => {
    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
    expect(makeAws({ 'rpc.system': 'aws-api', 'rpc.method': 'SendMessage', 'messaging.url': url }).aws?.queue_url).toBe(url);
    expect(makeAws({ 'aws.sqs.queue.url': url }).aws?.queue_url).toBe(url);
    expect(makeAws({ 'aws.queue_url': url }).aws?.queue_url).toBe(url);
  });

  it('should not take rpc.method as an AWS operation on non-AWS RPC spans', () => {
    expect(makeAws({ 'rpc.system': 'grpc', 'rpc.method': 'GetUser' })).toEqual({ aws: undefined, consumed: new Set() });
  });
});

describe('AWS SDK subsegments', () => {
  it('should be named after the service, in namespace aws, with an aws block and no duplicated keys in metadata', () => {
    const doc = translate(span({ name: 'DynamoDB.Query', kind: SpanKind.CLIENT, parent: PARENT, attributes: DYNAMODB_QUERY }));
    expect(doc).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      type: 'subsegment',
      aws: { operation: 'Query', region: 'us-east-1', table_name: 'cruddur-messages' },
      http: { response: { status: 200 } },
    });
    expect(doc?.origin).toBeUndefined();
    expect(doc?.metadata?.default).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB',
      'db.system': 'dynamodb',
      'aws.dynamodb.table_names': ['cruddur-messages'],
    });
  });

  it('should turn an AWS SDK 4xx into error, and an SQS PRODUCER into namespace aws', () => {
    const doc = translate(
      span({
        name: 'SQS.SendMessage',
        kind: SpanKind.PRODUCER,
        parent: PARENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SQS', 'rpc.method': 'SendMessage', 'http.status_code': 400 },
      }),
    );
    expect(doc).toMatchObject({ name: 'SQS', namespace: 'aws', error: true, aws: { operation: 'SendMessage' } });
  });
});
