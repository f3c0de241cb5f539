/**
 * Every incoming header form against every backend set-up (both, Honeycomb only, X-Ray only), through a real
 * `node:http` server whose handler makes a real outgoing call: what the call and the response carry must be what
 * docs/sampling.md ("How a decision travels") says. Checked over the whole class:
 *
 * - a decision stated upstream for X-Ray (`Sampled=1/0`, with or without `Parent`, or `dt`) is the outgoing `Sampled=`,
 *   whether X-Ray is on here or not; one stated in `dt` for Honeycomb is the outgoing `dt` entry's;
 * - a backend with no decision upstream (nothing, `Sampled=?`, `Root` only, a `dt` entry that does not mention it) is
 *   decided here when it is on here, and left undecided when it is off here: no `Sampled` in `X-Amzn-Trace-Id`, no
 *   mention in `dt` (a trace that starts here, with one backend, says `x1`/`x0` or `h1`/`h0`, never the bare flag);
 * - a `traceparent` without `dt` (another OpenTelemetry service) is a decision for both backends, also passed on;
 * - `traceparent`'s flag says whether this service recorded the span, and `tracestate` is never sent empty;
 * - the answer to `Sampled=?` or a `Root`-only header is the `Sampled=` of the outgoing call.
 */
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { traced } from '../../src/adapters/http';
import type { DualtraceOptions } from '../../src/config/types';
import { useBackends } from '../helpers/backends';

const PARENT = '53995c3f42cd8ad8';
const KEEP_NONE = { version: 2 as const, default: { fixed_target: 0, rate: 0 } };

type Decision = 0 | 1;
interface Form {
  readonly name: string;
  /** The X-Ray decision it states, if any (`Sampled=1/0`, else `dt`, else the flag of a `traceparent` alone). */
  readonly xray?: Decision;
  /** The X-Ray decision a service with X-Ray off passes on, when it is not `xray` (`dt` below a `Root`-only header). */
  readonly xrayCarried?: Decision;
  /** The Honeycomb decision it states in `dt`, if any. */
  readonly honeycomb?: Decision;
  /** The `traceparent` flag, Honeycomb's decision when nothing else states it (another OpenTelemetry service). */
  readonly flag?: Decision;
  headers(root: string, traceId: string): Record<string, string>;
}

const xrayHeader = (value: string) => ({ 'x-amzn-trace-id': value });
const w3c = (traceId: string, flag: string, state?: string) => ({ traceparent: `00-${traceId}-${PARENT}-${flag}`, ...(state === undefined ? {} : { tracestate: state }) });

const FORMS: Form[] = [
  { name: 'no headers', headers: () => ({}) },
  { name: 'X-Ray Root only', headers: (r) => xrayHeader(`Root=${r}`) },
  { name: 'X-Ray Root;Sampled=?', headers: (r) => xrayHeader(`Root=${r};Sampled=?`) },
  { name: 'X-Ray Root;Sampled=1', xray: 1, headers: (r) => xrayHeader(`Root=${r};Sampled=1`) },
  { name: 'X-Ray Root;Sampled=0', xray: 0, headers: (r) => xrayHeader(`Root=${r};Sampled=0`) },
  { name: 'X-Ray Root;Parent', headers: (r) => xrayHeader(`Root=${r};Parent=${PARENT}`) },
  { name: 'X-Ray Root;Parent;Sampled=?', headers: (r) => xrayHeader(`Root=${r};Parent=${PARENT};Sampled=?`) },
  { name: 'X-Ray Root;Parent;Sampled=1', xray: 1, headers: (r) => xrayHeader(`Root=${r};Parent=${PARENT};Sampled=1`) },
  { name: 'X-Ray Root;Parent;Sampled=0', xray: 0, headers: (r) => xrayHeader(`Root=${r};Parent=${PARENT};Sampled=0`) },
  { name: 'traceparent 01 alone', xray: 1, flag: 1, headers: (_, t) => w3c(t, '01') },
  { name: 'traceparent 00 alone', xray: 0, flag: 0, headers: (_, t) => w3c(t, '00') },
  { name: 'dt=x1h0', xray: 1, honeycomb: 0, headers: (_, t) => w3c(t, '01', 'dt=x1h0') },
  { name: 'dt=x0h1r5', xray: 0, honeycomb: 1, headers: (_, t) => w3c(t, '01', 'dt=x0h1r5') },
  // From a service with Honeycomb off (dt=x0) or X-Ray off (dt=h0): the other backend was not decided upstream.
  { name: 'dt=x0 (Honeycomb off upstream)', xray: 0, headers: (_, t) => w3c(t, '00', 'dt=x0') },
  { name: 'dt=h0 (X-Ray off upstream)', honeycomb: 0, headers: (_, t) => w3c(t, '00', 'dt=h0') },
  { name: 'dt=x1h0 + Root;Parent;Sampled=0', xray: 0, honeycomb: 0, headers: (r, t) => ({ ...w3c(t, '01', 'dt=x1h0'), ...xrayHeader(`Root=${r};Parent=${PARENT};Sampled=0`) }) },
  { name: 'dt=x0h1 + Root;Sampled=1', xray: 1, honeycomb: 1, headers: (r, t) => ({ ...w3c(t, '01', 'dt=x0h1'), ...xrayHeader(`Root=${r};Sampled=1`) }) },
  { name: 'traceparent 01 + Root;Sampled=0', xray: 0, flag: 1, headers: (r, t) => ({ ...w3c(t, '01'), ...xrayHeader(`Root=${r};Sampled=0`) }) },
  // A Root-only header asks this service to decide; the dt entry is what it passes on when X-Ray is off here.
  { name: 'dt=x1h0 + Root only', honeycomb: 0, xrayCarried: 1, headers: (r, t) => ({ ...w3c(t, '01', 'dt=x1h0'), ...xrayHeader(`Root=${r}`) }) },
];

interface SetUp {
  readonly name: string;
  readonly options: DualtraceOptions;
  /** What each backend that is on here keeps of a trace it decides itself. */
  readonly xray?: Decision;
  readonly honeycomb?: Decision;
}

const SET_UPS: SetUp[] = [
  { name: 'both (X-Ray keeps none, Honeycomb all)', options: { xray: { sampling: 'local', samplingRules: KEEP_NONE } }, xray: 0, honeycomb: 1 },
  { name: 'both (X-Ray keeps all, Honeycomb none)', options: { honeycomb: { sampleRate: 0 } }, xray: 1, honeycomb: 0 },
  { name: 'Honeycomb only (keeps all)', options: { xray: { enabled: false } }, honeycomb: 1 },
  { name: 'Honeycomb only (keeps none)', options: { xray: { enabled: false }, honeycomb: { sampleRate: 0 } }, honeycomb: 0 },
  { name: 'X-Ray only (keeps all)', options: { honeycomb: { enabled: false } }, xray: 1 },
  { name: 'X-Ray only (keeps none)', options: { honeycomb: { enabled: false }, xray: { sampling: 'local', samplingRules: KEEP_NONE } }, xray: 0 },
];

/** What a service downstream reads from the call: X-Ray's decision, Honeycomb's (`undefined`: left to it), recorded. */
function read(headers: IncomingHttpHeaders): { xray: Decision; honeycomb?: Decision; recorded: Decision; sampled: string } {
  const sampled = /;Sampled=(.)$/.exec(String(headers['x-amzn-trace-id']))?.[1] ?? 'missing';
  const recorded: Decision = String(headers.traceparent).endsWith('-01') ? 1 : 0;
  const dt = /(?:^|,)\s*dt=([^,]*)/.exec(String(headers.tracestate ?? ''))?.[1];
  const h = dt === undefined ? recorded : /h([01])/.exec(dt)?.[1];
  return { xray: sampled === '1' ? 1 : 0, honeycomb: h === undefined ? undefined : (Number(h) as Decision), recorded, sampled };
}

describe('sampling decisions through a service with one backend or both (node:http, real outgoing call)', () => {
  const backends = useBackends({ instrumentation: { fetch: true, http: false } });
  let app: Server | undefined;
  let downstream: Server | undefined;

  afterEach(async () => {
    for (const server of [app, downstream]) {
      if (server === undefined) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    app = downstream = undefined;
  });

  for (const setUp of SET_UPS) {
    it(`should pass on or decide each backend's share as docs/sampling.md says: ${setUp.name}`, async () => {
      const received: IncomingHttpHeaders[] = [];
      downstream = http.createServer((req, res) => {
        received.push(req.headers);
        res.end('ok');
      });
      await new Promise<void>((resolve) => downstream!.listen(0, '127.0.0.1', resolve));
      const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/`;
      backends.init(setUp.options);
      app = http.createServer(
        traced(async (_req, res) => {
          await fetch(downstreamUrl).then((r) => r.text());
          res.end('called');
        }),
      );
      await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;

      const failures: string[] = [];
      let n = 0;
      for (const form of FORMS) {
        n++;
        const traceId = `5759e988${n.toString(16).padStart(24, '0')}`;
        const response = await fetch(base, { headers: form.headers(`1-5759e988-${traceId.slice(8)}`, traceId) });
        await response.text();
        const out = read(received.at(-1)!);
        const check = (what: string, actual: unknown, expected: unknown): void => {
          if (actual !== expected) failures.push(`${form.name}: ${what} ${String(actual)}, expected ${String(expected)}`);
        };
        // X-Ray: the upstream decision, else this service's when X-Ray is on here; with X-Ray off here and nobody's
        // decision upstream, no Sampled at all (the next X-Ray service, dualtrace or an X-Ray SDK, decides by its rules).
        const xray = setUp.xray === undefined ? (form.xrayCarried ?? form.xray) : (form.xray ?? setUp.xray);
        check('outgoing X-Ray Sampled=', out.sampled, xray === undefined ? 'missing' : String(xray));
        // Honeycomb: the upstream dt entry's, else the flag of a traceparent (another OpenTelemetry service: a decision
        // for both), else this service's; with Honeycomb off here and nobody's decision upstream, not mentioned in dt.
        const honeycomb = form.honeycomb ?? form.flag ?? setUp.honeycomb;
        check('outgoing Honeycomb decision', out.honeycomb, honeycomb);
        const recorded = (setUp.xray !== undefined && out.xray === 1) || (setUp.honeycomb !== undefined && out.honeycomb === 1);
        check('traceparent flag', out.recorded, recorded ? 1 : 0);
        // W3C Trace Context: vendors SHOULD avoid sending an empty tracestate (here: an upstream dt entry removed).
        check('tracestate header', received.at(-1)!.tracestate === '' ? 'empty' : 'absent or not empty', 'absent or not empty');
        const answer = response.headers.get('x-amzn-trace-id');
        if (answer !== null) check('answer Sampled=', answer.slice(-1), out.sampled);
      }
      expect(failures).toEqual([]);
    });
  }

  // A trace starting in a service with one backend: it states its own decision and leaves the other backend to the
  // next service that has it on, a dualtrace service with both (the headers the first one sent, replayed to it: one
  // provider per process) and an X-Ray SDK service (aws-xray-sdk-core, its middleware's own sampling code) whose rules
  // keep the opposite of what the first service kept, so following that service's decision would show.
  const ONE_BACKEND = SET_UPS.filter((s) => s.xray === undefined || s.honeycomb === undefined);
  const BOTH = SET_UPS.filter((s) => s.xray !== undefined && s.honeycomb !== undefined);
  for (const first of ONE_BACKEND) {
    it(`should leave the backend that is off to the next service, where a trace starts in: ${first.name}`, async () => {
      const own = (first.xray ?? first.honeycomb)!;
      const sdk = await loadXRaySdk();
      sdk.setDaemonAddress(backends.xray.daemonAddress);
      sdk.middleware.setSamplingRules(own === 1 ? KEEP_NONE : KEEP_ALL);
      const received: IncomingHttpHeaders[] = [];
      downstream = http.createServer((req, res) => {
        received.push(req.headers);
        const segment = sdk.middleware.traceRequestResponseCycle(req, res);
        res.end(segment.notTraced === true ? 'sdk 0' : 'sdk 1');
      });
      await new Promise<void>((resolve) => downstream!.listen(0, '127.0.0.1', resolve));
      const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/`;
      const serve = async (options: DualtraceOptions): Promise<string> => {
        backends.init(options);
        app = http.createServer(traced(async (_req, res) => res.end(await fetch(downstreamUrl).then((r) => r.text()))));
        await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
      };
      const stop = async (): Promise<void> => {
        app!.closeAllConnections();
        await new Promise((resolve) => app!.close(resolve));
        app = undefined;
        await backends.tracing.shutdown();
      };

      const failures: string[] = [];
      const check = (what: string, actual: unknown, expected: unknown): void => {
        if (actual !== expected) failures.push(`${what}: ${String(actual)}, expected ${String(expected)}`);
      };
      // The first service: no headers in, so the trace starts here.
      const base = await serve(first.options);
      const sent: IncomingHttpHeaders[] = [];
      for (let i = 0; i < 3; i++) {
        const body = await fetch(base).then((r) => r.text());
        const headers = received.at(-1)!;
        sent.push(headers);
        const out = read(headers);
        check(`${first.name}: outgoing X-Ray Sampled=`, out.sampled, first.xray === undefined ? 'missing' : String(first.xray));
        check(`${first.name}: outgoing Honeycomb decision`, out.honeycomb, first.honeycomb);
        check(`${first.name}: traceparent flag`, out.recorded, own);
        // The X-Ray SDK follows X-Ray's decision when this service made one, else decides by its own rules.
        check(`${first.name}: the X-Ray SDK service downstream`, body, `sdk ${first.xray ?? 1 - own}`);
      }
      await stop();

      // Then a dualtrace service with both backends, receiving what the first one sent.
      for (const next of BOTH) {
        const nextBase = await serve(next.options);
        for (const headers of sent) {
          const forwarded: Record<string, string> = {};
          for (const name of ['traceparent', 'tracestate', 'x-amzn-trace-id']) if (headers[name] !== undefined) forwarded[name] = String(headers[name]);
          const body = await fetch(nextBase, { headers: forwarded }).then((r) => r.text());
          const out = read(received.at(-1)!);
          const xray = first.xray ?? next.xray!;
          check(`${first.name} → ${next.name}: X-Ray`, out.xray, xray);
          check(`${first.name} → ${next.name}: Honeycomb`, out.honeycomb, first.honeycomb ?? next.honeycomb);
          check(`${first.name} → ${next.name}: the X-Ray SDK service downstream`, body, `sdk ${xray}`);
        }
        await stop();
      }
      expect(failures).toEqual([]);
    });
  }
});

interface XRaySdk {
  setDaemonAddress(address: string): void;
  setContextMissingStrategy(strategy: string): void;
  setLogger(logger: object): void;
  middleware: {
    disableCentralizedSampling(): void;
    setSamplingRules(rules: object): void;
    setDefaultName(name: string): void;
    traceRequestResponseCycle(req: http.IncomingMessage, res: http.ServerResponse): { notTraced?: boolean };
  };
}

const KEEP_ALL = { version: 2 as const, default: { fixed_target: 100, rate: 1 } };

/** The X-Ray SDK, loaded on first use (it turns on cls-hooked for the process), with local rules and no logging. */
async function loadXRaySdk(): Promise<XRaySdk> {
  const core = (await import('aws-xray-sdk-core')) as unknown as { default?: XRaySdk } & XRaySdk;
  const sdk = core.default ?? core;
  const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
  sdk.setLogger(quiet);
  sdk.setContextMissingStrategy('IGNORE_ERROR');
  sdk.middleware.disableCentralizedSampling();
  sdk.middleware.setDefaultName('sdk-downstream');
  return sdk;
}
