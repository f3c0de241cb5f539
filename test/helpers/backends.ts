/**
 * Both backends for a test, on loopback: a real OTLP/HTTP receiver standing in for Honeycomb and a real UDP socket
 * standing in for the X-Ray daemon, plus `initTracing` pointed at them with test defaults.
 *
 * @example
 * let backends: Backends;
 * beforeEach(async () => {
 *   backends = await startBackends();
 *   backends.init({ service: 'caller', instrumentation: { fetch: false } }); // options win over the test defaults
 * });
 * afterEach(() => backends.close());                 // shuts tracing down, then closes both sinks
 * …
 * await backends.honeycomb.waitFor((s) => s.length === 2);
 * await backends.xray.waitFor(2);
 */
import type { DualtraceOptions } from '../../src/config/types';
import { initTracing } from '../../src/init-tracing';
import type { Tracing } from '../../src/handle';
import { OtlpSink } from './otlp-sink';
import { startUdpSink, type UdpSink } from './udp-sink';

/** A Honeycomb environment-key-shaped test key (64 characters). Never a real key. */
export const TEST_KEY = 'hcxik_01hqk4k20zjyyy3nd9xuw7kc9vkj7ah9fs6gfgq8k8gq1ydezv3fy6r9kn7c';

export interface Backends {
  /** The OTLP receiver (`honeycomb.url` is its base URL). */
  honeycomb: OtlpSink;
  /** The fake X-Ray daemon (`xray.daemonAddress`). */
  xray: UdpSink;
  /**
   * `initTracing` with `service: 'backend-flask'`, {@link TEST_KEY}, `flushOnExit: false`, `logLevel: 'none'` and both
   * sinks as endpoints; `options` override those (`honeycomb` and `xray` are merged field by field). Remembers the
   * handle for {@link Backends.close}. Throws if the result would send anywhere but loopback.
   */
  init(options?: DualtraceOptions): Tracing;
  /** Shuts down the last handle `init` returned (if any), then closes both sinks. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;

function assertLoopback(what: string, host: string | undefined): void {
  if (host === undefined || !LOOPBACK.test(host)) throw new Error(`startBackends: ${what} must be on loopback in tests, got ${JSON.stringify(host)}`);
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
  let tracing: Tracing | undefined;
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
      tracing = initTracing(merged);
      return tracing;
    },
    async close(): Promise<void> {
      await tracing?.shutdown();
      tracing = undefined;
      await honeycomb.close();
      await xray.close();
    },
  };
}
