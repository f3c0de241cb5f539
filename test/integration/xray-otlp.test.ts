/**
 * X-Ray over OTLP against a local endpoint on loopback that decodes the protobuf and checks each request's SigV4
 * signature independently of the signing library (test/helpers/sigv4.ts, node:crypto only), with known test
 * credentials from the environment, a shared credentials file and a credential process. Never reaches AWS: every
 * endpoint is 127.0.0.1, and instance metadata is switched off for the AWS credential chain.
 */
import { DiagLogLevel, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotate } from '../../src/api';
import { createXRayOtlpExporter } from '../../src/exporters/xray/otlp/xray-otlp-exporter';
import { TEST_KEY, useBackends } from '../helpers/backends';
import { makeSpan } from '../helpers/otlp-encoder';
import { OtlpSink } from '../helpers/otlp-sink';
import { verifySigV4, type TestCredentials } from '../helpers/sigv4';
import { captureDiag, type CapturedLog, lossLines, recordUnhandled, until } from '../reliability/support';

/** AWS's documentation example key pair (IAM user guide), and a made-up session token. */
const STATIC: TestCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE-session-token//////////wEaCXVzLWVhc3QtMSJHMEUCIQ',
};
const FROM_FILE: TestCredentials = { accessKeyId: 'AKIAFILEEXAMPLE00001', secretAccessKey: 'file/secret/EXAMPLEKEY/0000000000000000' };
const processCredentials = (n: number): TestCredentials => ({
  accessKeyId: `ASIAPROCESS${String(n).padStart(9, '0')}`,
  secretAccessKey: `process/secret/${n}/EXAMPLE`,
  sessionToken: `process-token-${n}`,
});
const known = (accessKeyId: string): TestCredentials | undefined =>
  [STATIC, FROM_FILE].find((c) => c.accessKeyId === accessKeyId) ??
  (accessKeyId.startsWith('ASIAPROCESS') ? processCredentials(Number(accessKeyId.slice(11))) : undefined);

/** The AWS_* variables the credential chain reads; set per test and put back after. */
const AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
] as const;

let saved: Partial<Record<string, string>> = {};
let dir: string;
function useAwsEnvironment(values: Partial<Record<(typeof AWS_VARIABLES)[number], string>>): void {
  for (const name of AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    ...values,
  });
}

beforeEach(() => {
  saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));
  dir = mkdtempSync(join(tmpdir(), 'dualtrace-xray-otlp-'));
});
afterEach(() => {
  for (const name of AWS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  rmSync(dir, { recursive: true, force: true });
});

function exportOnce(exporter: ReturnType<typeof createXRayOtlpExporter>, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('X-Ray over OTLP with initTracing', () => {
  const backends = useBackends({ instrumentation: { fetch: false, http: false } });
  let xray: OtlpSink;
  beforeEach(async () => {
    xray = await new OtlpSink().start();
  });
  afterEach(() => xray.close());

  const otlp = (extra = {}) => ({ transport: 'otlp' as const, endpoint: xray.url, region: 'us-west-2', sigv4: true, ...extra });

  it('should send gzipped OTLP protobuf, SigV4-signed for xray with the session token, that verifies independently', async () => {
    useAwsEnvironment({ AWS_ACCESS_KEY_ID: STATIC.accessKeyId, AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey, AWS_SESSION_TOKEN: STATIC.sessionToken! });
    const tracing = backends.init({ xray: otlp({ indexedAttributes: ['activity.uuid'] }) });
    tracing.tracer.startActiveSpan('GET /api/activities/home', (span) => {
      span.setAttribute('activity.uuid', '1f0e');
      span.setAttribute('app.note', 'metadata in X-Ray');
      annotate('tenant', 'acme');
      span.end();
    });
    await tracing.forceFlush();

    const [span] = await xray.waitFor((s) => s.length === 1);
    const request = xray.requests[0]!;
    expect(request.path).toBe('/v1/traces');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['content-type']).toBe('application/x-protobuf');
    expect(verifySigV4(request, known)).toMatchObject({ accessKeyId: STATIC.accessKeyId, region: 'us-west-2', service: 'xray' });
    // The keys X-Ray must index, in the list it reads: annotate()'s and xray.indexedAttributes'.
    expect(span!.attributes['aws.xray.annotations']).toEqual(['tenant', 'activity.uuid']);
    expect(span!.attributes['app.note']).toBe('metadata in X-Ray');
    // Honeycomb gets the attributes as columns, without the list; the daemon gets nothing.
    const [honeycomb] = await backends.honeycomb.waitFor((s) => s.length === 1);
    expect(honeycomb!.attributes).toMatchObject({ tenant: 'acme', 'activity.uuid': '1f0e' });
    expect(honeycomb!.attributes['aws.xray.annotations']).toBeUndefined();
    expect(backends.xray.documents).toHaveLength(0);
  });

  it("should send X-Ray only X-Ray's traces and Honeycomb only Honeycomb's, children included", async () => {
    useAwsEnvironment({ AWS_ACCESS_KEY_ID: STATIC.accessKeyId, AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey });
    // X-Ray keeps the first trace of each second and nothing else; Honeycomb keeps 1 trace in 4.
    const sampling = { sampling: 'local' as const, samplingRules: { version: 2, default: { fixed_target: 1, rate: 0 } } };
    const tracing = backends.init({ xray: otlp(sampling), honeycomb: { sampleRate: 4 } });
    const tracer = trace.getTracer('t');
    for (let i = 0; i < 40; i++) {
      tracer.startActiveSpan(`root ${i}`, (root) => {
        tracer.startSpan(`child ${i}`).end();
        root.end();
      });
    }
    await tracing.forceFlush();
    const status = tracing.samplingStatus().decisions;
    const honeycomb = await backends.honeycomb.waitFor((s) => s.length >= status.honeycomb * 2);
    const toXRay = await xray.waitFor((s) => s.length >= status.xray * 2);
    expect(status.xray).toBeGreaterThanOrEqual(1);
    expect(status.xray).toBeLessThanOrEqual(2); // the runs may straddle a second
    expect(toXRay).toHaveLength(status.xray * 2);
    expect(honeycomb).toHaveLength(status.honeycomb * 2);
    const xrayTraces = new Set(toXRay.map((s) => s.traceId));
    const honeycombTraces = new Set(honeycomb.map((s) => s.traceId));
    // Every span of a trace went where its trace's decision says, the child with its root.
    for (const span of honeycomb) expect(span.attributes.SampleRate).toBe(4);
    expect(honeycombTraces.size).toBe(status.honeycomb);
    expect(xrayTraces.size).toBe(status.xray);
  });

  it('should sign with credentials from a shared credentials file (AWS_PROFILE)', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(file, `[dualtrace-test]\naws_access_key_id = ${FROM_FILE.accessKeyId}\naws_secret_access_key = ${FROM_FILE.secretAccessKey}\n`);
    useAwsEnvironment({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'dualtrace-test' });
    const tracing = backends.init({ xray: otlp() });
    trace.getTracer('t').startSpan('from file').end();
    await tracing.forceFlush();
    await xray.waitFor((s) => s.length === 1);
    expect(verifySigV4(xray.requests[0]!, known).accessKeyId).toBe(FROM_FILE.accessKeyId);
  });

  /** A profile whose credentials come from a process that counts its runs and says when they expire. */
  function credentialProcess(expiresInMs: number): { runs: () => number } {
    const counter = join(dir, 'runs');
    const script = join(dir, 'credentials.cjs');
    writeFileSync(counter, '0');
    writeFileSync(
      script,
      `const fs = require('node:fs');
       const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
       fs.writeFileSync(${JSON.stringify(counter)}, String(n));
       const id = 'ASIAPROCESS' + String(n).padStart(9, '0');
       process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: id, SecretAccessKey: 'process/secret/' + n + '/EXAMPLE',
         SessionToken: 'process-token-' + n, Expiration: new Date(Date.now() + ${expiresInMs}).toISOString() }));`,
    );
    const config = join(dir, 'config');
    writeFileSync(config, `[profile dualtrace-process]\ncredential_process = "${process.execPath}" "${script}"\n`);
    useAwsEnvironment({ AWS_CONFIG_FILE: config, AWS_PROFILE: 'dualtrace-process' });
    return { runs: () => Number(readFileSync(counter, 'utf8')) };
  }

  it('should fetch credentials once and reuse them across exports while they are far from expiry', async () => {
    const source = credentialProcess(60 * 60_000);
    const tracing = backends.init({ xray: otlp() });
    for (let i = 0; i < 5; i++) {
      trace.getTracer('t').startSpan(`export ${i}`).end();
      await tracing.forceFlush();
    }
    await xray.waitFor((s) => s.length === 5);
    expect(xray.requests).toHaveLength(5);
    expect(source.runs()).toBe(1);
    for (const request of xray.requests) expect(verifySigV4(request, known).accessKeyId).toBe('ASIAPROCESS000000001');
  });

  it('should refresh credentials that are about to expire, without an export ever failing', async () => {
    const source = credentialProcess(4 * 60_000); // within the AWS SDK's five-minute refresh window
    const tracing = backends.init({ xray: otlp() });
    let i = 0;
    await until(() => {
      trace.getTracer('t').startSpan(`export ${i++}`).end();
      void tracing.forceFlush();
      return xray.requests.some((r) => verifySigV4(r, known).accessKeyId !== 'ASIAPROCESS000000001');
    }, 8_000);
    await tracing.forceFlush();
    const keys = xray.requests.map((r) => verifySigV4(r, known).accessKeyId);
    expect(keys[0]).toBe('ASIAPROCESS000000001');
    expect(new Set(keys).size).toBeGreaterThan(1);
    expect(source.runs()).toBeGreaterThan(1);
    expect(xray.spans.length).toBe(i); // every export was signed and delivered, old credentials or new
  });
});

describe('X-Ray over OTLP refusing the spans', () => {
  const backends = useBackends({ instrumentation: { fetch: false, http: false } });
  let xray: OtlpSink;
  let log: CapturedLog;
  let unhandled: ReturnType<typeof recordUnhandled>;
  beforeEach(async () => {
    xray = await new OtlpSink().start();
    log = captureDiag(DiagLogLevel.ALL);
    unhandled = recordUnhandled();
  });
  afterEach(async () => {
    await xray.close();
    unhandled.stop();
    log.restore();
  });

  // The answer below mimics what the endpoint says when the account has not switched on Transaction Search; an AWS
  // signature error would echo the canonical request (with the session token), so the answer itself is never logged.
  it('should log one line that says to enable Transaction Search, with no credentials in it, on a 403', async () => {
    useAwsEnvironment({ AWS_ACCESS_KEY_ID: STATIC.accessKeyId, AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey, AWS_SESSION_TOKEN: STATIC.sessionToken! });
    xray.respond = () => ({
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
      body: JSON.stringify({
        message: `The OTLP API is supported with CloudWatch Logs as a Trace Segment Destination. Please enable Transaction Search. (token ${STATIC.sessionToken})`,
      }),
    });
    const tracing = backends.init({ xray: { transport: 'otlp', endpoint: xray.url, region: 'eu-west-1', sigv4: true } });
    for (let i = 0; i < 3; i++) {
      trace.getTracer('t').startSpan(`refused ${i}`).end();
      await tracing.forceFlush();
    }
    const lines = lossLines(log, 'xray');
    expect(lines).toHaveLength(1); // the first at once, the next two counted for the next line
    expect(lines[0]).toMatch(/xray: 1 span lost \(HTTP 403\): export failed: X-Ray refused the spans \(HTTP 403\): CloudWatch Transaction Search is not enabled/);
    const all = log.lines.join('\n');
    for (const secret of [STATIC.secretAccessKey, STATIC.sessionToken!, 'IQoJb3Jp', TEST_KEY]) expect(all).not.toContain(secret);
    expect(xray.requests).toHaveLength(3); // 403 is not retried
    await backends.honeycomb.waitFor((s) => s.length === 3); // Honeycomb is not held back
    expect(unhandled.errors).toEqual([]);
  });

  it('should say which permission to check on a 403 that is not about Transaction Search', async () => {
    useAwsEnvironment({ AWS_ACCESS_KEY_ID: STATIC.accessKeyId, AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey });
    xray.respond = () => ({ status: 403, body: '{"message":"User is not authorized to perform: xray:PutSpans"}' });
    const tracing = backends.init({ xray: { transport: 'otlp', endpoint: xray.url, region: 'eu-west-1', sigv4: true } });
    trace.getTracer('t').startSpan('refused').end();
    await tracing.forceFlush();
    expect(lossLines(log, 'xray')[0]).toMatch(/\(HTTP 403\): .*xray:PutSpans .*xray:PutSpansForIndexing/);
  });

  it('should log missing credentials once, loudly, and keep Honeycomb delivering', async () => {
    useAwsEnvironment({});
    const tracing = backends.init({ xray: { transport: 'otlp', endpoint: xray.url, region: 'eu-west-1', sigv4: true } });
    trace.getTracer('t').startSpan('unsigned').end();
    await tracing.forceFlush();
    expect(lossLines(log, 'xray')).toHaveLength(1);
    expect(lossLines(log, 'xray')[0]).toMatch(/\(ESIGN\): export failed: could not sign the request.*Check the AWS credentials/);
    expect(xray.requests).toHaveLength(0); // never sent unsigned
    await backends.honeycomb.waitFor((s) => s.length === 1);
  });
});

describe('X-Ray OTLP request limits', () => {
  let xray: OtlpSink;
  beforeEach(async () => {
    xray = await new OtlpSink().start();
  });
  afterEach(() => xray.close());

  const exporter = () =>
    createXRayOtlpExporter({
      region: 'us-east-1',
      indexedAttributes: [],
      indexAllAttributes: false,
      otlp: { url: `${xray.url}/v1/traces`, sigv4: false, timeoutMillis: 20_000 },
    });
  const spanId = (i: number): string => (i + 1).toString(16).padStart(16, '0');
  const spans = (n: number, attributes = {}): ReadableSpan[] =>
    Array.from({ length: n }, (_, i) => makeSpan({ name: `s${i}`, context: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: spanId(i), traceFlags: 1 }, attributes }));

  it('should send at most 10,000 spans per request', async () => {
    const sending = exporter();
    expect((await exportOnce(sending, spans(10_050))).code).toBe(ExportResultCode.SUCCESS);
    expect(xray.requests.map((r) => r.spans.length)).toEqual([10_000, 50]);
    await sending.shutdown();
  });

  it('should keep each request within 5 MB before compression', async () => {
    const sending = exporter();
    const batch = spans(400, { payload: 'p'.repeat(16_000) }); // about 6.5 MB encoded
    expect((await exportOnce(sending, batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(xray.requests.length).toBeGreaterThan(1);
    for (const request of xray.requests) {
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.body.length).toBeLessThanOrEqual(5_000_000);
    }
    expect(xray.spans).toHaveLength(400);
    await sending.shutdown();
  });

  it('should shrink a span over 200 KB, mark it, and send it with the rest', async () => {
    const sending = exporter();
    const big = makeSpan({ name: 'big', context: { traceId: '6743a1b2c3d4e5f60718293a4b5c6d7e', spanId: 'ffffffffffffffff', traceFlags: 1 }, attributes: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`blob.${i}`, 'b'.repeat(8_000)])) });
    expect((await exportOnce(sending, [...spans(3), big])).code).toBe(ExportResultCode.SUCCESS);
    const received = xray.spans.find((s) => s.name === 'big')!;
    expect(received.attributes['dualtrace.truncated']).toHaveLength(21); // 20 keys listed, then "…20 more"
    expect(xray.requests[0]!.body.length).toBeLessThan(200_000);
    await sending.shutdown();
  });
});

describe('collector mode', () => {
  const backends = useBackends({ instrumentation: { fetch: false, http: false } });
  let collector: OtlpSink;
  beforeEach(async () => {
    collector = await new OtlpSink().start();
  });
  afterEach(() => collector.close());

  it('should send one OTLP stream to the Collector and nothing to Honeycomb or the daemon', async () => {
    const tracing = backends.init({
      collector: { endpoint: collector.url, headers: { 'x-gateway-token': 'gw' } },
      xray: { indexedAttributes: ['activity.uuid'] },
    });
    expect(tracing.config.honeycomb.enabled).toBe(false);
    expect(tracing.config.xray.enabled).toBe(false);
    tracing.tracer.startActiveSpan('GET /api/activities/home', (span) => {
      span.setAttribute('activity.uuid', '1f0e');
      annotate('tenant', 'acme');
      span.end();
    });
    trace.getTracer('t').startSpan('second').end();
    await tracing.forceFlush();
    const spans = await collector.waitFor((s) => s.length === 2);
    expect(collector.requests[0]!.path).toBe('/v1/traces');
    expect(collector.requests[0]!.headers['x-gateway-token']).toBe('gw');
    expect(collector.requests[0]!.headers['x-honeycomb-team']).toBeUndefined();
    expect(spans.find((s) => s.name === 'GET /api/activities/home')!.attributes['aws.xray.annotations']).toEqual(['tenant', 'activity.uuid']);
    expect(spans.every((s) => /^[0-9a-f]{32}$/.test(s.traceId))).toBe(true);
    // X-Ray-compatible trace ids, as on every path: the first 8 hex digits are the epoch second.
    expect(Math.abs(parseInt(spans[0]!.traceId.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(60);
    expect(backends.honeycomb.requests).toHaveLength(0);
    expect(backends.xray.documents).toHaveLength(0);
  });

  it('should say what to check when the Collector refuses the spans, without its answer or the token', async () => {
    const log = captureDiag(DiagLogLevel.ALL);
    try {
      collector.respond = () => ({ status: 401, body: 'invalid token gw-token-0123456789' });
      const tracing = backends.init({ collector: { endpoint: collector.url, headers: { 'x-gateway-token': 'gw-token-0123456789' } } });
      trace.getTracer('t').startSpan('refused').end();
      await tracing.forceFlush();
      const lines = lossLines(log, 'collector');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/collector: 1 span lost \(HTTP 401\): export failed: The Collector refused the spans \(HTTP 401\)\. Check .*`collector\.headers`/);
      expect(log.lines.join('\n')).not.toContain('gw-token-0123456789');
    } finally {
      log.restore();
    }
  });
});
