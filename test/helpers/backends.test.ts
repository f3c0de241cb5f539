import { afterEach, describe, expect, it } from 'vitest';
import { getTracing } from '../../src/handle';
import { initTracing } from '../../src/init-tracing';
import { useBackends } from './backends';

describe('useBackends', () => {
  const backends = useBackends({
    service: 'fixture',
    batch: { scheduledDelayMillis: 10 },
    xray: { tracingName: 'from-defaults' },
    instrumentation: { fetch: false, http: false },
  });

  it('should put init() options over the defaults, and the defaults over the sinks, group by group', () => {
    const tracing = backends.init({ batch: { maxExportBatchSize: 5 }, honeycomb: { timeoutMillis: 1_234 } });
    expect(backends.tracing).toBe(tracing);
    expect(tracing.config.serviceName).toBe('fixture');
    expect(tracing.config.batch).toMatchObject({ scheduledDelayMillis: 10, maxExportBatchSize: 5 });
    expect(tracing.config.honeycomb).toMatchObject({ url: `${backends.honeycomb.url}/v1/traces`, timeoutMillis: 1_234 });
    expect(tracing.config.xray.tracingName).toBe('from-defaults');
    expect(tracing.config.instrumentation).toMatchObject({ fetch: false, http: false });
  });

  it('should refuse endpoints off loopback, and say there is no handle before init()', () => {
    expect(() => backends.tracing).toThrow(/call backends\.init\(\) first/);
    expect(() => backends.init({ honeycomb: { endpoint: 'https://api.honeycomb.io' } })).toThrow(/honeycomb\.endpoint must be on loopback/);
    expect(() => backends.init({ xray: { daemonAddress: 'tcp:127.0.0.1:2000 udp:10.0.0.1:2000' } })).toThrow(/xray\.daemonAddress must be on loopback/);
  });

  describe('after each test', () => {
    // Registered before the fixture below, so it runs after that fixture's teardown.
    afterEach(() => {
      expect(getTracing()).toBeUndefined();
    });
    const inner = useBackends();

    it('should shut down a handle the test made with initTracing itself', () => {
      initTracing({ flushOnExit: false, logLevel: 'none', honeycomb: { endpoint: inner.honeycomb.url }, xray: { daemonAddress: inner.xray.daemonAddress } });
      expect(getTracing()).toBeDefined();
    });
  });
});
