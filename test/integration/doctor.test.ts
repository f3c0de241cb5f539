import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/doctor/run-doctor';
import type { CheckResult, DoctorReport } from '../../src/cli/doctor/types';
import { VERSION } from '../../src/version';
import { AUTH_OK, RULES_OK, startFakeDaemon, startFakeHoneycomb, type FakeDaemon, type FakeHoneycomb } from '../helpers/fake-backends';
import { closedTcpPort } from '../reliability/support';

// `dualtrace doctor` against stand-ins for Honeycomb's API and the X-Ray daemon on loopback: healthy, then each
// failure it must name. runDoctor is the command without its flags and printing; the last tests run the CLI itself.
const KEY = `hcxik_${'01hqk4k20zjyyy3nd9xuw7kc9v'}${'kj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn'}`; // id (26) + secret (32)
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

describe('dualtrace doctor', () => {
  let honeycomb: FakeHoneycomb;
  let daemon: FakeDaemon;
  let env: Record<string, string>;
  beforeEach(async () => {
    honeycomb = await startFakeHoneycomb();
    daemon = await startFakeDaemon();
    env = {
      OTEL_SERVICE_NAME: 'backend-flask',
      HONEYCOMB_API_KEY: KEY,
      HONEYCOMB_API_ENDPOINT: honeycomb.url,
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      AWS_REGION: 'eu-west-1',
    };
  });
  afterEach(async () => {
    await honeycomb.close();
    await daemon.close();
  });

  const doctor = (overrides: Record<string, string> = {}, options?: object): Promise<DoctorReport> =>
    runDoctor({ env: { ...env, ...overrides }, options, timeoutMs: 2000 });
  const check = (report: DoctorReport, name: string): CheckResult => report.checks.find((c) => c.name === name)!;

  it('should pass when both backends answer, send one test trace to each and link to it', async () => {
    expect(KEY).toHaveLength(64);
    const report = await doctor();
    expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(check(report, 'honeycomb key').summary).toBe('an Ingest key (64 characters), shape valid');
    expect(check(report, 'honeycomb auth').summary).toBe('the key belongs to team "acme", environment "production" (ingest key)');
    expect(check(report, 'sampling rules').summary).toBe(`POST http://${daemon.address.split('tcp:')[1]}/GetSamplingRules answered: 2 rules`);
    // The set-up, with the rules in the order they are tried, as getSamplingStatus() lists them.
    expect(report.sampling).toEqual({
      honeycomb: { enabled: true, decidedBy: 'ratio', sampleRate: 1, source: 'default' },
      xray: {
        enabled: true, mode: 'centralized', source: 'default', endpoint: `http://${daemon.address.split('tcp:')[1]}`,
        rulesSource: 'X-Ray SDK default (1/s, then 5 %)', using: 'service rules',
        rules: [
          { name: 'health', priority: 100, fixedRate: 0, reservoirSize: 0, matches: { ServiceName: 'backend-flask', HTTPMethod: 'GET', URLPath: '/health*' } },
          { name: 'Default', priority: 10000, fixedRate: 0.05, reservoirSize: 1, matches: {} },
        ],
        localRules: [{ name: 'default', priority: 1, fixedRate: 0.05, reservoirSize: 1, matches: {} }],
      },
    });

    const { traceId, xrayTraceId, honeycomb: hcLink, xray: xrayLink } = report.testTrace!;
    expect(honeycomb.spans.map((s) => [s.name, s.traceId, s.resource['service.name']])).toEqual([['dualtrace doctor', traceId, 'backend-flask']]);
    await daemon.udp.waitFor(1);
    expect(daemon.udp.documents[0]).toMatchObject({ trace_id: xrayTraceId, name: 'backend-flask' });
    expect(hcLink).toMatch(new RegExp(`^https://ui\\.honeycomb\\.io/acme/environments/production/datasets/backend-flask/trace\\?trace_id=${traceId}&`));
    expect(xrayLink).toBe(`https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/${xrayTraceId}`);
    // Every request carries dualtrace's user agent, as the app's own do: a traced receiver does not trace them.
    expect(honeycomb.userAgents).toEqual([`dualtrace/${VERSION}`, `dualtrace/${VERSION}`]); // GET /1/auth, the test trace
    expect(daemon.userAgents).toEqual([`dualtrace/${VERSION}`]); // POST /GetSamplingRules
  });

  it('should show every resolved value with its source, and never the key', async () => {
    const report = await doctor({ OTEL_BSP_SCHEDULE_DELAY: 'soon' }, { xrayUrl: '*.example.com' });
    const row = (path: string) => report.config.find((r) => r.path === path)!;
    expect(row('serviceName')).toEqual({ path: 'serviceName', value: 'backend-flask', source: { kind: 'env', name: 'OTEL_SERVICE_NAME' } });
    expect(row('xray.namePattern').source).toEqual({ kind: 'option', name: 'xrayUrl' });
    expect(row('batch.scheduledDelayMillis')).toMatchObject({ value: 1000, source: { kind: 'default' } }); // "soon" was ignored
    expect(row('honeycomb.apiKey')).toMatchObject({ value: 'hcxi…', source: { kind: 'env', name: 'HONEYCOMB_API_KEY' } });
    expect(check(report, 'configuration').status).toBe('warn');
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('should name a key Honeycomb does not know, with the EU/US hint', async () => {
    honeycomb.auth = () => ({ status: 401, body: { error: 'unknown API key - check your credentials' } });
    const report = await doctor();
    expect(report.ok).toBe(false);
    expect(check(report, 'honeycomb auth')).toMatchObject({ status: 'fail', summary: `Honeycomb does not accept this key (HTTP 401 from GET ${honeycomb.url}/1/auth)` });
    expect(check(report, 'honeycomb auth').fix).toContain('US https://api.honeycomb.io, EU https://api.eu1.honeycomb.io');
    expect(check(report, 'honeycomb export').status).toBe('skip');
    expect(honeycomb.keysSeen).toEqual([KEY]); // sent only in the header
  });

  it('should fail a key that may not send events', async () => {
    honeycomb.auth = () => ({ status: 200, body: { ...AUTH_OK, type: 'configuration', api_key_access: { events: false } } });
    expect(check(await doctor(), 'honeycomb auth')).toMatchObject({ status: 'fail', summary: expect.stringContaining('may not send events') });
  });

  it('should warn, not fail, when the endpoint is not Honeycomb (a collector has no /1/auth)', async () => {
    honeycomb.auth = () => ({ status: 404 });
    const report = await doctor();
    expect(check(report, 'honeycomb auth').status).toBe('warn');
    expect(report.ok).toBe(true);
    expect(report.testTrace!.honeycomb).toContain('/<team>/environments/<environment>/');
  });

  it('should say when Honeycomb cannot be reached', async () => {
    const port = await closedTcpPort();
    const report = await doctor({ HONEYCOMB_API_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(check(report, 'honeycomb auth')).toMatchObject({ status: 'fail', summary: `GET http://127.0.0.1:${port}/1/auth: 127.0.0.1:${port} refused the connection (nothing listens there)` });
  });

  it('should fail an export Honeycomb refuses', async () => {
    honeycomb.traces = 403;
    expect(check(await doctor(), 'honeycomb export')).toMatchObject({ status: 'fail', summary: expect.stringContaining('rejected the API key (HTTP 403)') });
  });

  it('should fail a key of the wrong shape, and a Management key', async () => {
    expect(check(await doctor({ HONEYCOMB_API_KEY: KEY.slice(0, 40) }), 'honeycomb key')).toMatchObject({
      status: 'fail',
      summary: 'an Ingest key (40 characters): an Ingest key is 64 lower-case letters and digits; this one has 40',
    });
    expect(check(await doctor({ HONEYCOMB_API_KEY: 'hcxmk_01hqk4k20zjyyy3nd9xuw7kc9v' }), 'honeycomb key')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('Management keys cannot send events'),
    });
  });

  it('should fail when nothing listens on the daemon UDP port', async () => {
    const udpPort = daemon.udp.port;
    await daemon.udp.close();
    const report = await doctor();
    expect(check(report, 'xray daemon')).toMatchObject({ status: 'fail', summary: `udp 127.0.0.1:${udpPort} refused the test segment: nothing listens there (ICMP port unreachable)` });
    expect(report.testTrace!.xray).toBeUndefined();
  });

  it('should fail when the sampling API is not there, and explain an access-denied answer', async () => {
    const port = await closedTcpPort();
    const refused = await doctor({ AWS_XRAY_DAEMON_ADDRESS: `udp:${daemon.udp.daemonAddress} tcp:127.0.0.1:${port}` });
    expect(check(refused, 'sampling rules')).toMatchObject({ status: 'fail', fix: expect.stringContaining('--bind-tcp') });

    daemon.sampling = () => ({ status: 403, body: { __type: 'AccessDeniedException', message: 'not authorized to perform: xray:GetSamplingRules' } });
    const denied = check(await doctor(), 'sampling rules');
    expect(denied.summary).toContain('HTTP 403 (AccessDeniedException: not authorized to perform: xray:GetSamplingRules)');
    expect(denied.fix).toContain('xray:GetSamplingRules');
  });

  it('should ask for the rules where the app asks: the sampling endpoint, and only in centralized mode', async () => {
    let asked = 0;
    daemon.sampling = () => (asked++, { status: 200, body: RULES_OK });
    const closed = `127.0.0.1:${await closedTcpPort()}`;
    const elsewhere = await doctor({ AWS_XRAY_DAEMON_ADDRESS: `udp:${daemon.udp.daemonAddress} tcp:${closed}`, DUALTRACE_XRAY_SAMPLING_ENDPOINT: `http://${daemon.address.split('tcp:')[1]}` });
    expect(check(elsewhere, 'sampling rules').status).toBe('ok');
    expect(asked).toBe(1);

    // Every trace, or local rules: the app never calls the API, so a daemon without TCP is no problem.
    const all = await doctor({ AWS_XRAY_DAEMON_ADDRESS: `udp:${daemon.udp.daemonAddress} tcp:${closed}`, DUALTRACE_XRAY_SAMPLING: 'all' });
    expect(all.ok).toBe(true);
    expect(all.checks.map((c) => c.name)).not.toContain('sampling rules');
    expect(all.sampling!.xray).toMatchObject({ mode: 'all', source: 'DUALTRACE_XRAY_SAMPLING', using: 'every trace', rules: [] });
    const rules = { version: 2, rules: [{ description: 'health', host: '*', http_method: 'GET', url_path: '/health', fixed_target: 0, rate: 0 }], default: { fixed_target: 2, rate: 0.1 } };
    const local = await doctor({ AWS_XRAY_DAEMON_ADDRESS: `udp:${daemon.udp.daemonAddress} tcp:${closed}` }, { xray: { samplingRules: rules } });
    expect(local.ok).toBe(true);
    expect(local.sampling!.xray).toMatchObject({ mode: 'local', source: 'xray.samplingRules', using: 'local rules', rulesSource: 'xray.samplingRules (object)' });
    expect(local.sampling!.xray.rules.map((r) => [r.name, r.priority, r.fixedRate, r.reservoirSize])).toEqual([['health', 1, 0, 0], ['default', 2, 0.1, 2]]);
    expect(asked).toBe(1);
  });

  it('should follow NextToken as the app does, and list rules X-Ray answered that cannot be used', async () => {
    const pages = [
      { SamplingRuleRecords: [RULES_OK.SamplingRuleRecords[0]], NextToken: 'page-2' },
      { SamplingRuleRecords: [RULES_OK.SamplingRuleRecords[1], { SamplingRule: { RuleName: 'broken', Priority: 5, FixedRate: 2, ReservoirSize: 1 } }] },
    ];
    let page = 0;
    daemon.sampling = () => ({ status: 200, body: pages[page++] });
    const report = await doctor();
    expect(check(report, 'sampling rules')).toMatchObject({ status: 'warn', summary: expect.stringContaining('answered: 2 rules, 1 left out') });
    expect(check(report, 'sampling rules').details).toEqual(['left out: rule "broken": FixedRate is not a number from 0 to 1']);
    expect(report.sampling!.xray.rules.map((r) => r.name)).toEqual(['health', 'Default']);
  });

  it('should send the test trace to the Collector in collector mode, and check no key there', async () => {
    const report = await doctor({ DUALTRACE_COLLECTOR: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: honeycomb.url, HONEYCOMB_API_KEY: '' });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['configuration', 'ok'],
      ['sampling rules', 'ok'], // X-Ray's decision goes to the Collector in tracestate: the rules are fetched all the same
      ['collector export', 'ok'],
      ['xray export', 'skip'],
      ['test trace', 'ok'],
    ]);
    expect(check(report, 'configuration').summary).toContain(`one OTLP stream to the Collector at ${honeycomb.url}`);
    expect(honeycomb.spans.map((s) => s.name)).toEqual(['dualtrace doctor']);
    expect(honeycomb.keysSeen).toEqual([]);
  });

  it('should not print credentials written into the X-Ray OTLP endpoint', async () => {
    const report = await runDoctor({
      env: { ...env, DUALTRACE_XRAY_TRANSPORT: 'otlp', DUALTRACE_XRAY_ENDPOINT: 'http://user:hunter2@127.0.0.1:4316/v1/traces?token=s3cr3t' },
      timeoutMs: 2000,
      send: false,
    });
    expect(check(report, 'xray otlp').summary).toContain('127.0.0.1:4316/v1/traces');
    expect(JSON.stringify(report)).not.toMatch(/hunter2|s3cr3t/);
  });

  it('should mask headers that carry credentials under any name, for Honeycomb and for the Collector', async () => {
    const headers = 'lightstep-access-token=tok-abc123,dd-api-key=key-xyz789,x-auth-token=tok-456def,x-scope-orgid=tenant1';
    for (const mode of [{}, { DUALTRACE_COLLECTOR: 'true', HONEYCOMB_API_KEY: '' }]) {
      const report = await runDoctor({ env: { ...env, ...mode, OTEL_EXPORTER_OTLP_HEADERS: headers }, timeoutMs: 2000, send: false });
      const text = JSON.stringify(report);
      expect(text).not.toMatch(/abc123|xyz789|456def/);
      expect(text).toContain('"x-scope-orgid":"tenant1"'); // not a credential: shown
    }
  });

  it('should stop at a configuration error, with its message, and list an ignored variable as a warning', async () => {
    const report = await doctor({}, { xray: { daemonAddress: 'udp:somewhere' } });
    expect(report.checks).toEqual([{ name: 'configuration', status: 'fail', summary: expect.stringContaining('xray.daemonAddress') }]);
    expect(honeycomb.keysSeen).toEqual([]);
    const ignored = await doctor({ AWS_XRAY_DAEMON_ADDRESS: 'udp:somewhere' }, undefined);
    expect(check(ignored, 'configuration')).toMatchObject({ status: 'warn', details: [expect.stringContaining('Ignoring AWS_XRAY_DAEMON_ADDRESS')] });
    expect(ignored.config.find((r) => r.path === 'xray.daemonAddress')!.source).toEqual({ kind: 'default' });
  });

  describe('the command', () => {
    const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', BIN, 'doctor', ...args], { env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv } }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    it('should exit 0 with a readable report, 1 with the problems listed, and print JSON with --json', async () => {
      const healthy = await cli([]);
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toContain('No problems found.');
      expect(healthy.stdout).toMatch(/serviceName\s+backend-flask\s+env OTEL_SERVICE_NAME/);
      expect(healthy.stdout).toContain("Sampling\n  Honeycomb  every trace (default)\n  X-Ray      centralized (default): the X-Ray service's rules, from http://127.0.0.1:");
      expect(healthy.stdout).toMatch(/\n {13}100 +0\/s +0 % +health +ServiceName backend-flask, HTTPMethod GET, URLPath \/health\*\n/);

      honeycomb.auth = () => ({ status: 401 });
      const failing = await cli(['--json', '--no-send']);
      expect(failing.code).toBe(1);
      const report = JSON.parse(failing.stdout) as DoctorReport;
      expect(report.ok).toBe(false);
      expect(report.testTrace).toBeUndefined();
      expect(failing.stdout).not.toContain(KEY);
    });

    it('should check X-Ray over OTLP: endpoint, region, where the credentials come from (never them), a signed test trace', async () => {
      const xrayOtlp = await startFakeHoneycomb(); // X-Ray's OTLP endpoint: POST /v1/traces
      try {
        const otlpEnv = {
          DUALTRACE_XRAY_TRANSPORT: 'otlp',
          DUALTRACE_XRAY_ENDPOINT: xrayOtlp.url,
          DUALTRACE_XRAY_SIGV4: 'true',
          AWS_ACCESS_KEY_ID: 'AKIDDOCTOREXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'doctor-secret-value',
          AWS_EC2_METADATA_DISABLED: 'true',
          HOME: mkdtempSync(join(tmpdir(), 'dualtrace-doctor-home-')),
        };
        const ok = await cli(['--json'], otlpEnv);
        const report = JSON.parse(ok.stdout) as DoctorReport;
        expect(ok.code, ok.stdout).toBe(0);
        expect(check(report, 'xray otlp').summary).toBe(`X-Ray over OTLP to ${xrayOtlp.url}/v1/traces (region eu-west-1, SigV4-signed)`);
        expect(check(report, 'aws credentials')).toMatchObject({ status: 'ok', summary: 'found in environment variables (AWS_ACCESS_KEY_ID)' });
        expect(check(report, 'xray otlp export')).toMatchObject({ status: 'ok', summary: expect.stringContaining('(SigV4-signed)') });
        expect(check(report, 'sampling rules').status).toBe('ok'); // rules still come through the daemon's proxy
        expect(xrayOtlp.spans.map((s) => s.name)).toEqual(['dualtrace doctor']);
        expect(xrayOtlp.authorizations[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDDOCTOREXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request/);
        expect(ok.stdout).not.toMatch(/AKIDDOCTOREXAMPLE|doctor-secret-value/);

        xrayOtlp.traces = 403;
        const refused = await cli(['--json'], otlpEnv);
        expect(refused.code).toBe(1);
        expect(check(JSON.parse(refused.stdout) as DoctorReport, 'xray otlp export').summary).toContain('X-Ray refused the spans (HTTP 403)');
      } finally {
        await xrayOtlp.close();
      }
    });

    it('should read the app options from --options, and refuse a bad file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dualtrace-doctor-'));
      writeFileSync(join(dir, 'options.json'), `\uFEFF${JSON.stringify({ service: 'from-code' })}`); // with a byte order mark
      writeFileSync(join(dir, 'bad.json'), '{ service: ');
      const good = await cli(['--options', join(dir, 'options.json'), '--no-send']);
      expect(good.stdout).toMatch(/serviceName\s+from-code\s+option service/);
      const bad = await cli(['--options', join(dir, 'bad.json')]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('is not a JSON object of initTracing options');
    });
  });
});
