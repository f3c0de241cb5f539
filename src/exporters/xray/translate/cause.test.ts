import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeCause } from './cause';
import { createSegmentTranslator } from './segment';
import { stackWithCauses } from '../../../trace/stack-with-causes';
import { NODE_RESOURCE, PARENT, createTestTracing } from '../../../../test/helpers/translator';

const { span } = createTestTracing();
const translate = createSegmentTranslator();
const HEX16 = /^[0-9a-f]{16}$/;

function fetchActivities(): never {
  throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
}

function homeActivities(): never {
  try {
    fetchActivities();
  } catch (cause) {
    throw new TypeError('could not load activities', { cause });
  }
}

function caught(fn: () => never): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('makeCause — flags', () => {
  const flags = (code: SpanStatusCode, httpStatus?: number) => {
    const r = makeCause(SpanKind.SERVER, { code }, [], {}, httpStatus, true);
    return [r.fault, r.error, r.throttle];
  };
  it('should follow the HTTP status first and the span status otherwise', () => {
    expect(flags(SpanStatusCode.ERROR)).toEqual([true, false, false]);
    expect(flags(SpanStatusCode.UNSET)).toEqual([false, false, false]);
    expect(flags(SpanStatusCode.OK, 500)).toEqual([true, false, false]);
    expect(flags(SpanStatusCode.ERROR, 404)).toEqual([false, true, false]);
    expect(flags(SpanStatusCode.UNSET, 429)).toEqual([false, true, true]);
    expect(flags(SpanStatusCode.ERROR, 302)).toEqual([true, false, false]);
  });
});

describe('exceptions in documents', () => {
  it('should turn a recorded exception into a cause with a parsed Node stack', () => {
    const error = caught(fetchActivities);
    const doc = translate(
      span({
        kind: SpanKind.SERVER,
        status: { code: SpanStatusCode.ERROR, message: 'boom' },
        body: (s) => s.recordException(error),
      }),
    );
    expect(doc?.fault).toBe(true);
    const [exception, ...others] = doc?.cause?.exceptions ?? [];
    expect(others).toEqual([]);
    expect(exception).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(exception?.id).toMatch(HEX16);
    expect(exception?.remote).toBeUndefined();
    expect(exception?.stack?.[0]).toEqual({ path: expect.stringMatching(/cause\.test\.ts$/), line: expect.any(Number), label: 'fetchActivities' });
  });

  it('should chain error.cause into linked exceptions (stackWithCauses and util.inspect forms)', () => {
    const error = caught(homeActivities);
    for (const stack of [stackWithCauses(error), inspect(error)]) {
      const doc = translate(
        span({
          kind: SpanKind.CLIENT,
          parent: PARENT,
          body: (s) => s.recordException({ name: error.name, message: error.message, stack }),
        }),
      );
      const exceptions = doc?.cause?.exceptions ?? [];
      expect(exceptions.map((e) => [e.type, e.message])).toEqual([
        ['TypeError', 'could not load activities'],
        ['Error', 'connect ECONNREFUSED 127.0.0.1:5432'],
      ]);
      expect(exceptions[0]?.cause).toBe(exceptions[1]?.id);
      expect(exceptions[1]?.cause).toBeUndefined();
      expect(exceptions.every((e) => e.remote === true)).toBe(true); // CLIENT: the error came from downstream
      expect(exceptions[1]?.stack?.[0]?.label).toBe('fetchActivities');
      // UNSET status + exception: a cause without flags (collector TestCauseExceptionWithoutError)
      expect(doc?.fault).toBeUndefined();
    }
  });

  it('should keep only the outer exception when plain recordException(err) loses the chain', () => {
    const doc = translate(span({ body: (s) => s.recordException(caught(homeActivities)) }));
    expect(doc?.cause?.exceptions).toHaveLength(1);
    expect(doc?.cause?.exceptions[0]?.stack?.[0]?.label).toBe('homeActivities');
  });

  it('should record one exception per event, in order', () => {
    const doc = translate(
      span({
        body: (s) => {
          s.recordException(new Error('first'));
          s.recordException('second');
        },
      }),
    );
    expect(doc?.cause?.exceptions.map((e) => e.message)).toEqual(['first', 'second']);
  });

  it('should not parse stacks for other SDK languages', () => {
    const java = createTestTracing({ ...NODE_RESOURCE, 'telemetry.sdk.language': 'java' });
    const doc = translate(java.span({ body: (s) => s.recordException(caught(fetchActivities)) }));
    expect(doc?.cause?.exceptions[0]?.stack).toBeUndefined();
  });

  it('should turn AWS SDK "HTTP request failure" events into remote exceptions', () => {
    const doc = translate(
      span({
        kind: SpanKind.CLIENT,
        parent: PARENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB' },
        body: (s) =>
          s.addEvent(
            'HTTP request failure',
            { 'http.response.status_code': 503, 'aws.http.error_message': 'service is temporarily unavailable' },
            [1696954761, 1000],
          ),
      }),
    );
    expect(doc?.cause?.exceptions).toEqual([
      { id: expect.stringMatching(HEX16), type: 'aws.http.error.event', remote: true, message: '503@1696954761.000001@service is temporarily unavailable' },
    ]);
  });
});

describe('status-only causes', () => {
  it('should use the ERROR status message, else http.status_text (then consumed)', () => {
    const withMessage = translate(span({ status: { code: SpanStatusCode.ERROR, message: 'timeout' } }));
    expect(withMessage?.cause?.exceptions).toEqual([{ id: expect.stringMatching(HEX16), message: 'timeout' }]);
    const withText = translate(span({ status: { code: SpanStatusCode.ERROR }, attributes: { 'http.status_text': 'Bad Gateway' } }));
    expect(withText?.cause?.exceptions[0]?.message).toBe('Bad Gateway');
    expect(withText?.metadata).toBeUndefined();
    const bare = translate(span({ status: { code: SpanStatusCode.ERROR } }));
    expect(bare).toMatchObject({ fault: true });
    expect(bare?.cause).toBeUndefined();
  });

  it('should give UNSET + 500 a fault with no cause', () => {
    const doc = translate(span({ kind: SpanKind.SERVER, attributes: { 'http.response.status_code': 500 } }));
    expect(doc).toMatchObject({ fault: true });
    expect(doc?.cause).toBeUndefined();
  });
});
