import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentAwsClient } from '../../src/adapters/aws-sdk';
import { useBackends } from '../helpers/backends';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** Answers like DynamoDB and SQS (AWS JSON 1.0, selected by X-Amz-Target), with a request id per call. */
function startFakeAws(received: IncomingHttpHeaders[]): Promise<Server> {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(req.headers);
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      const target = String(req.headers['x-amz-target']);
      const requestId = `req-${++n}`;
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId }).end(JSON.stringify(json));
      if (target === 'DynamoDB_20120810.PutItem') reply(200, {});
      else if (target === 'DynamoDB_20120810.GetItem') {
        reply(400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' });
      } else if (target === 'AmazonSQS.SendMessage') {
        const md5 = createHash('md5').update(String(body.MessageBody)).digest('hex');
        reply(200, { MessageId: 'm-1', MD5OfMessageBody: md5 });
      } else reply(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('dualtrace/aws-sdk with the real AWS SDK v3 clients', () => {
  const backends = useBackends({ service: 'backend' }, { init: true });
  let aws: Server;
  let endpoint: string;
  let received: IncomingHttpHeaders[];

  beforeEach(async () => {
    received = [];
    aws = await startFakeAws(received);
    endpoint = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    aws.closeAllConnections();
    await new Promise<void>((resolve) => aws.close(() => resolve()));
  });

  const inSpan = <T>(fn: () => Promise<T>) =>
    trace.getTracer('test').startActiveSpan('handler', async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });

  it('should trace DynamoDB calls into the aws namespace, with the trace header sent to the service', async () => {
    const ddb = instrumentAwsClient(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }));
    instrumentAwsClient(ddb); // twice is harmless
    await inSpan(async () => {
      await ddb.send(new PutItemCommand({ TableName: 'activities', Item: { uuid: { S: 'a-1' } } }));
      await ddb.send(new GetItemCommand({ TableName: 'missing', Key: { uuid: { S: 'x' } } })).catch(() => undefined);
    });
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 5); // handler, 2 AWS calls, 2 HTTP attempts (node:http on)
    const put = spans.find((s) => s.name === 'DynamoDB.PutItem')!;
    const get = spans.find((s) => s.name === 'DynamoDB.GetItem')!;
    expect(put.attributes).toMatchObject({
      'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'PutItem', 'cloud.region': 'us-east-1',
      'aws.request_id': 'req-1', 'aws.dynamodb.table_names': ['activities'], 'http.response.status_code': 200,
    });
    expect(get.status.code).toBe(SpanStatusCode.ERROR);
    expect(get.attributes).toMatchObject({ 'error.type': 'ResourceNotFoundException', 'aws.request_id': 'req-2', 'http.response.status_code': 400 });
    // The HTTP attempt is a child of the AWS call, and the service is told to continue from it.
    const attempt = spans.find((s) => s.name === 'POST' && s.parentSpanId === put.spanId)!;
    expect(attempt.scope).toBe('dualtrace/outgoing');
    expect(received[0]!['x-amzn-trace-id']).toBe(`Root=1-${put.traceId.slice(0, 8)}-${put.traceId.slice(8)};Parent=${attempt.spanId};Sampled=1`);
    expect(received[0]!.authorization).toContain('SignedHeaders=');
    expect(String(received[0]!.authorization)).not.toContain('x-amzn-trace-id');

    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length >= 5);
    const docs = backends.xray.segmentsFlat();
    const putDoc = docs.find((d) => d.id === put.spanId)!.doc;
    expect(putDoc).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'PutItem', region: 'us-east-1', request_id: 'req-1', table_name: 'activities' },
    });
    const getDoc = docs.find((d) => d.id === get.spanId)!.doc;
    expect(getDoc).toMatchObject({ namespace: 'aws', error: true, aws: { operation: 'GetItem', request_id: 'req-2', table_name: 'missing' } });
  });

  it('should trace SQS SendMessage with the queue url and name (node:http tracing off: the header names the AWS span)', async () => {
    await backends.tracing.shutdown();
    backends.init({ instrumentation: { http: false } });
    const sqs = instrumentAwsClient(new SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }));
    const queueUrl = `${endpoint}/123456789012/orders`;
    await inSpan(() => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hello' })));
    await backends.tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((s) => s.length === 2);
    const send = spans.find((s) => s.name === 'SQS.SendMessage')!;
    expect(send.attributes).toMatchObject({ 'aws.sqs.queue.url': queueUrl, 'messaging.destination.name': 'orders', 'aws.request_id': 'req-1' });
    expect(String(received[0]!['x-amzn-trace-id'])).toContain(`;Parent=${send.spanId};`);
    await backends.xray.waitFor(() => backends.xray.segmentsFlat().length >= 2);
    expect(backends.xray.segmentsFlat().find((d) => d.id === send.spanId)!.doc).toMatchObject({
      name: 'SQS',
      namespace: 'aws',
      aws: { operation: 'SendMessage', region: 'us-east-1', request_id: 'req-1', queue_url: queueUrl },
    });
  });

  it('should not trace calls outside a span by default', async () => {
    const ddb = instrumentAwsClient(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }));
    await ddb.send(new PutItemCommand({ TableName: 'activities', Item: { uuid: { S: 'a-1' } } }));
    expect(received[0]!['x-amzn-trace-id']).toBeUndefined();
    await backends.tracing.forceFlush();
    expect(backends.honeycomb.spans).toHaveLength(0);
  });
});
