/**
 * Bad input never breaks the app: hostile attribute values, circular objects handed to the helpers, CR/LF in header
 * values, and malformed or enormous trace headers arriving at a real server. Nothing throws into the app, and whatever
 * reaches the backends still decodes (OTLP protobuf, by the sink's real decoder) and parses (X-Ray, header and JSON).
 */
import { DiagLogLevel, type Attributes } from '@opentelemetry/api';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/http';
import { annotate, setUser, withSpan } from '../../src/api';
import { ConfigError } from '../../src/errors';
import { resolveConfig } from '../../src/config';
import { TEST_KEY, useBackends, type BackendsFixture } from '../helpers/backends';
import { serveNode } from '../fixtures/adapter-serve';
import { initError, recordUnhandled, useFaultHarness } from './support';

const FAST = {
  batch: { scheduledDelayMillis: 20, exportTimeoutMillis: 5_000 },
  shutdownTimeoutMillis: 3_000,
  instrumentation: { fetch: false, http: false },
  xray: { indexAllAttributes: true },
} as const;

const X_RAY_LIMIT = 64_000;

function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  o.list = [o, { back: o }];
  return o;
}

/** Both backends got these spans (plain names X-Ray keeps as they are), every datagram parsed and fit, and the OTLP sink decoded every request. */
async function expectDelivered(backends: BackendsFixture, names: string[]): Promise<void> {
  await backends.honeycomb.waitFor((spans) => names.every((n) => spans.some((s) => s.name === n)), 4_000);
  await backends.xray.waitFor(() => names.every((n) => backends.xray.segmentsFlat().some((s) => s.doc.name === n)), 4_000);
  expect(backends.xray.rejected).toEqual([]);
  expect(Math.max(...backends.xray.sizes)).toBeLessThanOrEqual(X_RAY_LIMIT);
}

describe('hostile span attributes', () => {
  const h = useFaultHarness(DiagLogLevel.WARN);

  it('should accept attributes of every type, odd numbers, lone surrogates, huge values and 10,000 keys without throwing', async () => {
    const tracing = h.backends.init(FAST);
    const big = 'y'.repeat(2 * 1024 * 1024);
    const hostile: Record<string, unknown> = {
      str: 'plain',
      empty: '',
      int: 42,
      float: 1.5,
      negZero: -0,
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      maxSafe: Number.MAX_SAFE_INTEGER + 2,
      tiny: Number.MIN_VALUE,
      bool: false,
      strs: ['a', 'b', ''],
      nums: [1, NaN, Infinity, -Infinity],
      bools: [true, false],
      withHoles: ['a', null, undefined, 'b'],
      mixed: ['a', 1, true],
      nested: [['a']],
      object: { a: 1 },
      circular: circular(),
      nul: null,
      undef: undefined,
      bigint: 10n,
      symbol: Symbol('s'),
      fn: () => 1,
      date: new Date(0),
      loneHigh: 'a\uD800b',
      loneLow: '\uDFFFz',
      reversedPair: '\uDC00\uD800',
      controls: 'a\u0000b\u0007c\r\nd',
      hugeString: big,
      hugeArray: Array.from({ length: 100_000 }, (_, i) => `v${i}`),
      hugeNumbers: Array.from({ length: 100_000 }, (_, i) => i * 0.5),
      '': 'empty key',
      '\uD800key': 'lone surrogate key',
      'aws.xray.annotations': ['nan', 'inf', 'loneHigh', 'circular', 'nope'],
    };
    const many: Attributes = {};
    for (let i = 0; i < 10_000; i++) many[`attr.${i}`] = i % 2 === 0 ? `value ${i}` : i;

    expect(() =>
      tracing.tracer.startActiveSpan('hostile', (span) => {
        span.setAttributes(hostile as Attributes);
        for (const [key, value] of Object.entries(hostile)) span.setAttribute(key, value as never);
        span.setAttributes(many);
        span.addEvent('event', hostile as Attributes);
        span.setStatus({ code: 2, message: `bad \uD800 ${big.slice(0, 10_000)}` });
        span.updateName('hostile');
        span.end();
      }),
    ).not.toThrow();
    tracing.tracer.startSpan('control').end();
    await tracing.forceFlush();
    await expectDelivered(h.backends, ['hostile', 'control']);
    const otlp = h.backends.honeycomb.spans.find((s) => s.name === 'hostile');
    expect(otlp?.attributes.int).toBe(42);
    const doc = h.backends.xray.segmentsFlat().find((s) => s.doc.name === 'hostile')?.doc;
    for (const value of Object.values((doc?.annotations ?? {}) as Record<string, unknown>)) {
      expect(['string', 'number', 'boolean']).toContain(typeof value);
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
    expect(h.unhandled.errors).toEqual([]);
  });
});

describe('circular and wrong-typed input to the helpers', () => {
  let unhandled: ReturnType<typeof recordUnhandled>;

  // Registered before useBackends, so the record outlasts its teardown (vitest runs afterEach hooks in reverse).
  beforeEach(() => {
    unhandled = recordUnhandled();
  });
  afterEach(() => unhandled.stop());
  const backends = useBackends();

  it('should ignore circular and non-primitive values in annotate() and setUser() without throwing', async () => {
    const tracing = backends.init(FAST);
    const loop = circular();
    withSpan('helpers', () => {
      expect(() => annotate('loop', loop as never)).not.toThrow();
      expect(() => annotate(loop as never, 'value')).not.toThrow();
      expect(() => annotate('nan', NaN)).not.toThrow();
      expect(() => annotate('ok', 'yes')).not.toThrow();
      expect(() => setUser(loop as never)).not.toThrow();
      expect(() => setUser(Infinity)).not.toThrow();
      expect(() => setUser({ toString: () => 'evil' } as never)).not.toThrow();
    });
    await tracing.forceFlush();
    await expectDelivered(backends, ['helpers']);
    const otlp = backends.honeycomb.spans.find((s) => s.name === 'helpers');
    expect(otlp?.attributes.ok).toBe('yes');
    expect(otlp?.attributes).not.toHaveProperty('loop');
    expect(otlp?.attributes).not.toHaveProperty('enduser.id');
    expect(unhandled.errors).toEqual([]);
  });

  it('should record an error whose cause chain is circular, rethrow it unchanged, and export the span', async () => {
    const tracing = backends.init(FAST);
    const error = new Error('outer') as Error & { cause?: unknown; details?: unknown };
    error.cause = error;
    error.details = circular();
    expect(() =>
      withSpan('circular-cause', () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(withSpan('circular-rejection', () => Promise.reject(circular()))).rejects.toHaveProperty('name', 'loop');
    await tracing.forceFlush();
    await expectDelivered(backends, ['circular-cause', 'circular-rejection']);
    expect(unhandled.errors).toEqual([]);
  });

  it('should accept circular attributes in withSpan() options and export the span', async () => {
    const tracing = backends.init(FAST);
    expect(withSpan('circular-options', () => 7, { attributes: circular() as never })).toBe(7);
    tracing.tracer.startSpan('control').end();
    await tracing.forceFlush();
    await expectDelivered(backends, ['circular-options', 'control']);
    expect(unhandled.errors).toEqual([]);
  });

  // A link without a span context (here a circular object, as untyped JS can pass) makes the OTLP encoder throw for
  // the whole batch. withSpan() leaves such links out; for spans started elsewhere the guarded
  // exporter retries the batch without the malformed span, so Honeycomb loses only that span.
  it('should keep exporting the rest of the batch when withSpan() gets a link that is not a link', async () => {
    const tracing = backends.init(FAST);
    expect(withSpan('circular-link', () => 7, { links: [circular() as never] })).toBe(7);
    tracing.tracer.startSpan('control').end();
    await tracing.forceFlush();
    await backends.honeycomb.waitFor((spans) => spans.some((s) => s.name === 'control') && spans.some((s) => s.name === 'circular-link'), 1_000);
  });

  it('should drop only the malformed span when a span started with the tracer has a link without a context', async () => {
    const tracing = backends.init(FAST);
    tracing.tracer.startSpan('bad-link', { links: [circular() as never] }).end();
    tracing.tracer.startSpan('control').end();
    await tracing.forceFlush();
    const spans = await backends.honeycomb.waitFor((received) => received.some((s) => s.name === 'control'), 1_000);
    expect(spans.map((s) => s.name)).not.toContain('bad-link');
    expect(unhandled.errors).toEqual([]);
  });

  // A span name that is not a string (here a circular object) must not cost the batch it is in.
  it('should not lose the rest of the batch when withSpan() is given a circular object as its name', async () => {
    const tracing = backends.init(FAST);
    const loop = circular();
    expect(() => withSpan(loop as never, () => undefined)).not.toThrow();
    tracing.tracer.startSpan('control').end();
    await tracing.forceFlush();
    await expectDelivered(backends, ['control']);
    expect(unhandled.errors).toEqual([]);
  });
});

describe('CR/LF in header values', () => {
  it('should refuse CR/LF in honeycomb.headers at set-up with a ConfigError that names the header', async () => {
    const thrown = await initError({
      service: 'backend-flask',
      honeycombKey: TEST_KEY,
      honeycomb: { headers: { 'x-extra': 'a\r\nx-injected: 1' } },
    });
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain('honeycomb.headers.x-extra');
    expect((thrown as Error).message).not.toContain(TEST_KEY);
  });
});

describe('a Honeycomb key that cannot be sent as a header', () => {
  // The key and the dataset become header values: CR/LF (an injection attempt), NUL, other control characters or
  // non-ASCII characters (a key pasted from a rich-text document) would fail every export. As an option that is a
  // ConfigError at set-up; from the environment it is one warning and Honeycomb off (docs/configuration.md).
  it.each([
    ['CR/LF', `${TEST_KEY.slice(0, 20)}\r\nx-injected: 1`],
    ['NUL', `${TEST_KEY.slice(0, 20)}\0${TEST_KEY.slice(21)}`],
    ['a non-ASCII character', `${TEST_KEY.slice(0, 20)}\u00e9${TEST_KEY.slice(21)}`],
    ['a zero-width space', `${TEST_KEY}\u200b`],
  ])('should refuse a key with %s at set-up without echoing it, and ignore it with a warning from the environment', async (_what, key) => {
    const fromOption = await initError({ service: 'backend-flask', honeycombKey: key });
    expect(fromOption).toBeInstanceOf(ConfigError);
    expect((fromOption as ConfigError).option).toBe('honeycombKey');
    expect(JSON.stringify({ message: (fromOption as Error).message, stack: (fromOption as Error).stack })).not.toContain(TEST_KEY.slice(6, 20));
    const fromEnv = resolveConfig({}, { HONEYCOMB_API_KEY: key });
    expect(fromEnv.honeycomb.enabled).toBe(false);
    expect(fromEnv.warnings.filter((w) => w.includes('HONEYCOMB_API_KEY'))).toHaveLength(1);
    expect(fromEnv.warnings.join('\n')).not.toContain(TEST_KEY.slice(6, 20));
    expect(() => resolveConfig({ honeycombKey: '0123456789abcdef0123456789abcdef', honeycomb: { dataset: 'ds\r\nx: 1' } }, {})).toThrow(/honeycomb\.dataset contains CR or LF/);
  });
});

describe('malformed and enormous trace headers on a real server', () => {
  let unhandled: ReturnType<typeof recordUnhandled>;

  // Registered before useBackends, so the record outlasts its teardown (vitest runs afterEach hooks in reverse).
  beforeEach(() => {
    unhandled = recordUnhandled();
  });
  afterEach(() => unhandled.stop());
  const backends = useBackends(FAST, { init: true });
  let app: Awaited<ReturnType<typeof serveNode>>;

  beforeEach(async () => {
    const listener = (_req: IncomingMessage, res: ServerResponse): void => void res.end('ok');
    app = await serveNode(createServer(traced(listener, { route: '/probe' })));
  });
  afterEach(() => app.close());

  function get(headers: IncomingHttpHeaders, path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, app.url);
      const req = request(url, { headers: headers as Record<string, string>, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const TRACE = '5759e988bd862e3fe1be46a994272793';
  const SPAN = '53995c3f42cd8ad8';
  const malformed: [string, Record<string, string>][] = [
    ['empty traceparent', { traceparent: '' }],
    ['garbage traceparent', { traceparent: 'not a traceparent at all' }],
    ['traceparent with upper-case hex', { traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-01` }],
    ['traceparent with zero ids', { traceparent: `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01` }],
    ['traceparent version ff', { traceparent: `ff-${TRACE}-${SPAN}-01` }],
    ['traceparent v00 with extra fields', { traceparent: `00-${TRACE}-${SPAN}-01-extra` }],
    ['traceparent with short ids', { traceparent: `00-${TRACE.slice(1)}-${SPAN.slice(1)}-01` }],
    ['enormous traceparent', { traceparent: `00-${TRACE}-${SPAN}-01`.repeat(120) }],
    ['enormous tracestate next to a bad traceparent', { traceparent: 'x', tracestate: 'k=v,'.repeat(2_000) }],
    ['X-Amzn-Trace-Id garbage', { 'x-amzn-trace-id': ';;==;=;Root;Parent' }],
    ['X-Amzn-Trace-Id with a bad Root and a good Parent', { 'x-amzn-trace-id': `Root=1-zzzz;Parent=${SPAN};Sampled=1` }],
    ['X-Amzn-Trace-Id version 2', { 'x-amzn-trace-id': `Root=2-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN};Sampled=1` }],
    ['X-Amzn-Trace-Id zero root', { 'x-amzn-trace-id': `Root=1-00000000-000000000000000000000000;Parent=${SPAN};Sampled=1` }],
    [
      'enormous X-Amzn-Trace-Id with a valid prefix',
      { 'x-amzn-trace-id': `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=${SPAN};Sampled=1;${'k=v;'.repeat(2_000)}` },
    ],
    ['both headers malformed', { traceparent: '00-xyz', 'x-amzn-trace-id': 'Root=1-xyz' }],
  ];

  it('should ignore every malformed or enormous trace header and start a new trace for each request', async () => {
    for (const [index, [, headers]] of malformed.entries()) {
      expect(await get(headers, `/probe?case=${index}`)).toBe(200);
    }
    const spans = await backends.honeycomb.waitFor((s) => s.length >= malformed.length, 4_000);
    expect(spans).toHaveLength(malformed.length);
    const traceIds = new Set<string>();
    for (const span of spans) {
      const label = malformed[Number(/case=(\d+)/.exec(String(span.attributes['url.query']))?.[1])]?.[0];
      expect(span.parentSpanId, label).toBeUndefined();
      expect(span.traceId, label).not.toBe(TRACE);
      expect(span.traceId, label).toMatch(/^[0-9a-f]{32}$/);
      traceIds.add(span.traceId);
    }
    expect(traceIds.size).toBe(malformed.length); // a new trace each time
    await backends.xray.waitFor(malformed.length, 4_000);
    expect(backends.xray.rejected).toEqual([]);
    for (const doc of backends.xray.documents) {
      expect(doc.parent_id).toBeUndefined();
      expect(doc.trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(doc.trace_id).not.toBe('1-5759e988-bd862e3fe1be46a994272793');
    }
    expect(unhandled.errors).toEqual([]);
  });

  it('should continue a well-formed trace (the control for the cases above)', async () => {
    expect(await get({ traceparent: `00-${TRACE}-${SPAN}-01` }, '/probe')).toBe(200);
    const [span] = await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(span?.traceId).toBe(TRACE);
    expect(span?.parentSpanId).toBe(SPAN);
  });

  it('should keep serving and tracing after a request with CR in a header value is rejected by the HTTP parser', async () => {
    const { port } = new URL(app.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end('GET /probe HTTP/1.1\r\nHost: x\r\nX-Amzn-Trace-Id: Root=1\rParent=2\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(await get({}, '/probe?after=1')).toBe(200);
    const spans = await backends.honeycomb.waitFor((s) => s.some((sp) => sp.attributes['url.query'] === 'after=1'));
    expect(spans.every((sp) => sp.parentSpanId === undefined)).toBe(true);
    expect(unhandled.errors).toEqual([]);
  });
});
