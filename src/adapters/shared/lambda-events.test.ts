import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headersOf, httpRequestOf, triggerOf } from './lambda-events';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/lambda/${name}.json`, import.meta.url), 'utf8'));

describe('Lambda event shapes', () => {
  it('should read an API Gateway REST event', () => {
    expect(httpRequestOf(fixture('api-gateway-rest'))).toMatchObject({
      source: 'api-gateway-rest',
      method: 'GET',
      url: 'https://abc123.execute-api.us-east-1.amazonaws.com/api/activities/5f2a6e4c-0b1d-4c3e-9f3a-2b7f1c9d8e01?verbose=1&token=secret',
      route: '/api/activities/{uuid}',
    });
  });

  it('should read HTTP API and function URL events (payload 2.0)', () => {
    expect(httpRequestOf(fixture('api-gateway-http'))).toMatchObject({ source: 'api-gateway-http', method: 'POST', route: '/api/activities' });
    expect(httpRequestOf(fixture('function-url'))).toMatchObject({
      source: 'function-url',
      url: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/health',
      route: undefined,
    });
  });

  it('should read an ALB event and keep its query as sent', () => {
    expect(httpRequestOf(fixture('alb'))).toMatchObject({
      source: 'alb',
      url: 'http://lambda-alb-123578498.us-east-1.elb.amazonaws.com/lambda?query=1234ABCD',
      route: undefined,
    });
  });

  it('should see no HTTP request in other events, and guess their trigger', () => {
    expect(httpRequestOf(fixture('sqs'))).toBeUndefined();
    expect(httpRequestOf(undefined)).toBeUndefined();
    expect(triggerOf(fixture('sqs'))).toBe('pubsub');
    expect(triggerOf({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toBe('timer');
    expect(triggerOf({ Records: [{ eventSource: 'aws:dynamodb' }] })).toBe('datasource');
    expect(triggerOf('x')).toBe('other');
  });

  it('should lower-case headers and join multi-valued ones', () => {
    expect(headersOf({ multiValueHeaders: { Accept: ['a', 'b'] }, headers: { Accept: 'a', 'X-Y': '1' } })).toEqual({ accept: 'a, b', 'x-y': '1' });
  });
});
