/**
 * Both backends for a test, on loopback: a real OTLP/HTTP receiver standing in for Honeycomb and a real UDP socket
 * standing in for the X-Ray daemon, plus `initTracing` pointed at them with test defaults.
 *
 * @example
 * describe('outgoing calls', () => {
 *   // Fresh sinks before each test; after it, tracing shut down, then both sinks closed.
 *   const backends = useBackends({ service: 'caller', instrumentation: { fetch: false } });
 *
 *   it('…', async () => {
 *     const tracing = backends.init({ instrumentation: { http: true } }); // over the defaults above
 *     …
 *     await backends.honeycomb.waitFor((s) => s.length === 2);
 *     await backends.xray.waitFor(2);
 *   });
 * });
 *
 * `useBackends(defaults, { init: true })` also calls `backends.init()` before each test (`backends.tracing` is the handle).
 */
import { afterEach, beforeEach } from 'vitest';
import type { DualtraceOptions } from '../../src/config/types';
import { initTracing } from '../../src/init-tracing';
import { getTracing, type Tracing } from '../../src/handle';
import { OtlpSink } from './otlp-sink';
import { startUdpSink, type UdpSink } from './udp-sink';

/** A Honeycomb environment-key-shaped test key (64 characters). Never a real key. */
export const TEST_KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';

/** What {@link useBackends} returns. Its fields are live for the running test: read them inside tests and hooks. */
export interface BackendsFixture {
  /** The OTLP receiver (`honeycomb.url` is its base URL). */
  readonly honeycomb: OtlpSink;
  /** The fake X-Ray daemon (`xray.daemonAddress`). */
  readonly xray: UdpSink;
  /** The handle the test's last {@link BackendsFixture.init} returned; throws if there is none yet. */
  readonly tracing: Tracing;
  /**
   * `initTracing` with `service: 'backend-flask'`, {@link TEST_KEY}, `flushOnExit: false`, `logLevel: 'none'`,
   * `instrumentation.server: false` (tests count the spans they make; zero-code tracing would add one for every
   * request to any other server in this process; the exports the sinks receive would not be traced either way),
   * both sinks as endpoints and `xray.sampling: 'all'`, then the fixture's defaults, then
   * `overrides` on top (`honeycomb`, `xray`, `batch` and `instrumentation` are merged field by field). Throws if the
   * result would send anywhere but loopback.
   */
  init(overrides?: DualtraceOptions): Tracing;
}

interface Sinks {
  honeycomb: OtlpSink;
  xray: UdpSink;
}

/**
 * Registers the backends for every test of the enclosing `describe` (or file): before each test both sinks start (and,
 * with `init: true`, `init()` runs); after it, the running tracing handle (made by `init()` or by the test itself) is
 * shut down and both sinks close. vitest runs `afterEach` hooks in reverse order of registration: what the suite's
 * own hooks, registered after this call, build on the backends (servers, child processes) is torn down before them;
 * hooks registered before it (a log or rejection capture) outlast the shutdown.
 */
export function useBackends(defaults: DualtraceOptions = {}, { init = false }: { init?: boolean } = {}): BackendsFixture {
  let sinks: Sinks | undefined;
  let handle: Tracing | undefined;
  const live = (): Sinks => {
    if (sinks === undefined) throw new Error('useBackends: the backends exist only while a test (or its hooks) runs');
    return sinks;
  };
  const fixture: BackendsFixture = {
    get honeycomb() {
      return live().honeycomb;
    },
    get xray() {
      return live().xray;
    },
    get tracing() {
      if (handle === undefined) throw new Error('useBackends: no tracing handle yet; call backends.init() first');
      return handle;
    },
    init(overrides = {}) {
      const options = [testOptions(live()), defaults, overrides].reduce(merge);
      assertLoopbackOnly(options);
      handle = initTracing(options);
      return handle;
    },
  };
  beforeEach(async () => {
    sinks = await startSinks();
    if (init) fixture.init();
  });
  afterEach(async () => {
    const started = sinks;
    sinks = undefined;
    handle = undefined;
    // The process-wide handle, whoever made it: left running, it would be what the next test's initTracing returns.
    await getTracing()?.shutdown();
    await started?.honeycomb.close();
    await started?.xray.close();
  });
  return fixture;
}

async function startSinks(): Promise<Sinks> {
  const honeycomb = await new OtlpSink().start();
  const xray = await startUdpSink().catch(async (error: unknown) => {
    await honeycomb.close();
    throw error;
  });
  return { honeycomb, xray };
}

function testOptions(sinks: Sinks): DualtraceOptions {
  return {
    service: 'backend-flask',
    honeycombKey: TEST_KEY,
    flushOnExit: false,
    logLevel: 'none',
    instrumentation: { server: false },
    honeycomb: { endpoint: sinks.honeycomb.url },
    // The UDP sink has no sampling proxy: X-Ray keeps every trace unless a test sets a sampling mode.
    xray: { daemonAddress: sinks.xray.daemonAddress, sampling: 'all' },
  };
}

const NESTED = ['honeycomb', 'xray', 'batch', 'instrumentation'] as const;

/** `over` on top of `base`; the option groups in {@link NESTED} are merged field by field. */
function merge(base: DualtraceOptions, over: DualtraceOptions): DualtraceOptions {
  const merged: DualtraceOptions = { ...base, ...over };
  for (const key of NESTED) {
    if (base[key] !== undefined || over[key] !== undefined) Object.assign(merged, { [key]: { ...base[key], ...over[key] } });
  }
  return merged;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;

function assertLoopbackOnly(options: DualtraceOptions): void {
  const endpoint = options.honeycomb?.endpoint;
  assertLoopback('honeycomb.endpoint', endpoint === undefined ? undefined : new URL(endpoint).hostname);
  const daemonAddress = options.xray?.daemonAddress;
  if (daemonAddress === undefined) assertLoopback('xray.daemonAddress', undefined);
  else for (const host of daemonHosts(daemonAddress)) assertLoopback('xray.daemonAddress', host);
}

function assertLoopback(what: string, host: string | undefined): void {
  if (host === undefined || !LOOPBACK.test(host)) throw new Error(`useBackends: ${what} must be on loopback in tests, got ${JSON.stringify(host)}`);
}

/** Host of every address in a daemon address (`host:port`, `[::1]:port`, or `tcp:host:port udp:host:port`). */
function daemonHosts(address: string): string[] {
  return address
    .trim()
    .split(/\s+/)
    .map((part) => part.replace(/^(tcp|udp):/i, ''))
    .map((part) => (part.startsWith('[') ? part.slice(0, part.indexOf(']') + 1) : part.slice(0, part.lastIndexOf(':'))));
}
