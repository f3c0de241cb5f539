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
   * `initTracing` with `service: 'backend-flask'`, {@link TEST_KEY}, `flushOnExit: false`, `logLevel: 'none'`, both
   * sinks as endpoints, then the fixture's defaults, then `overrides` (`honeycomb`, `xray`, `batch` and
   * `instrumentation` are merged field by field). Throws if the result would send anywhere but loopback.
   */
  init(overrides?: DualtraceOptions): Tracing;
}

/**
 * Registers the backends for every test of the enclosing `describe` (or file): before each test both sinks start (and,
 * with `init: true`, `init()` runs); after it, the running tracing handle (made by `init()` or by the test itself) is
 * shut down and both sinks close. Call it before the suite's own hooks: vitest runs `afterEach` hooks in reverse, so
 * what those hooks build on top of the backends (servers, child processes) is torn down first.
 */
export function useBackends(defaults: DualtraceOptions = {}, { init = false }: { init?: boolean } = {}): BackendsFixture {
  let current: Backends | undefined;
  let handle: Tracing | undefined;
  const live = (): Backends => {
    if (current === undefined) throw new Error('useBackends: the backends exist only while a test (or its hooks) runs');
    return current;
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
      handle = live().init(withDefaults(defaults, overrides));
      return handle;
    },
  };
  beforeEach(async () => {
    current = await startBackends();
    if (init) fixture.init();
  });
  afterEach(async () => {
    const backends = current;
    current = undefined;
    handle = undefined;
    await backends?.close();
  });
  return fixture;
}

type NestedOption = 'honeycomb' | 'xray' | 'batch' | 'instrumentation';
const NESTED: readonly NestedOption[] = ['honeycomb', 'xray', 'batch', 'instrumentation'];

function withDefaults(defaults: DualtraceOptions, overrides: DualtraceOptions): DualtraceOptions {
  const merged: DualtraceOptions = { ...defaults, ...overrides };
  for (const key of NESTED) {
    if (defaults[key] !== undefined && overrides[key] !== undefined) {
      Object.assign(merged, { [key]: { ...defaults[key], ...overrides[key] } });
    }
  }
  return merged;
}

export interface Backends {
  honeycomb: OtlpSink;
  xray: UdpSink;
  init(options: DualtraceOptions): Tracing;
  /** Shuts down the running tracing handle (made by `init` or by the test itself), then closes both sinks. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;

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

export async function startBackends(): Promise<Backends> {
  const honeycomb = await new OtlpSink().start();
  const xray = await startUdpSink().catch(async (error: unknown) => {
    await honeycomb.close();
    throw error;
  });
  return {
    honeycomb,
    xray,
    init(options: DualtraceOptions = {}): Tracing {
      const merged: DualtraceOptions = {
        service: 'backend-flask',
        honeycombKey: TEST_KEY,
        flushOnExit: false,
        logLevel: 'none',
        ...options,
        honeycomb: { endpoint: honeycomb.url, ...options.honeycomb },
        xray: { daemonAddress: xray.daemonAddress, ...options.xray },
      };
      const endpoint = merged.honeycomb?.endpoint;
      assertLoopback('honeycomb.endpoint', endpoint === undefined ? undefined : new URL(endpoint).hostname);
      const daemonAddress = merged.xray?.daemonAddress;
      if (daemonAddress === undefined) assertLoopback('xray.daemonAddress', undefined);
      else for (const host of daemonHosts(daemonAddress)) assertLoopback('xray.daemonAddress', host);
      return initTracing(merged);
    },
    async close(): Promise<void> {
      // The process-wide handle, whoever made it: left running, it would be what the next test's initTracing returns.
      await getTracing()?.shutdown();
      await honeycomb.close();
      await xray.close();
    },
  };
}
