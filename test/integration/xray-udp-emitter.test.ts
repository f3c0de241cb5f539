import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagLogger } from '@opentelemetry/api';
import { parseDaemonAddress } from '../../src/config/daemon-address';
import { DAEMON_HEADER } from '../../src/exporters/xray/pack/packer';
import { LossReporter } from '../../src/diag/loss-reporter';
import { UdpEmitter } from '../../src/exporters/xray/send/udp-emitter';
import { startUdpSink, udp6Unsupported, type UdpSink } from '../helpers/udp-sink';

const warnings: string[] = [];
const logger = { warn: (message: string) => warnings.push(message) } as unknown as DiagLogger;
const sinks: UdpSink[] = [];
const emitters: UdpEmitter[] = [];

function emitterFor(address: string): UdpEmitter {
  const emitter = new UdpEmitter(parseDaemonAddress(address).udp, new LossReporter('xray', logger));
  emitters.push(emitter);
  return emitter;
}
async function sink(family: 4 | 6 = 4): Promise<UdpSink> {
  const s = await startUdpSink({ family });
  sinks.push(s);
  return s;
}
const payload = (i: number): string => `${DAEMON_HEADER}{"name":"n","id":"${i.toString(16).padStart(16, '0')}"}`;
const udpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'UDPWRAP').length;

/** A port that was just bound and released: nothing listens there. */
async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await Promise.all(emitters.splice(0).map((e) => e.close()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  warnings.length = 0;
});

describe('UdpEmitter', () => {
  it('should deliver a 512-datagram batch in chunks, all of it, in order', async () => {
    const s = await sink();
    const emitter = emitterFor(s.daemonAddress);
    const result = await emitter.send(Array.from({ length: 512 }, (_, i) => payload(i)));
    expect(result).toEqual({ sent: 512, failed: 0 });
    await s.waitFor(512);
    expect(s.rejected).toEqual([]);
    expect(s.documents.map((d) => parseInt(d.id as string, 16))).toEqual(Array.from({ length: 512 }, (_, i) => i));
  });

  it('should resolve a hostname before sending', async () => {
    const s = await sink();
    const emitter = emitterFor(`localhost:${s.port}`);
    expect(await emitter.send([payload(1)])).toEqual({ sent: 1, failed: 0 });
    await s.waitFor(1);
  });

  it('should send over udp6 to [::1]', async (ctx) => {
    const reason = await udp6Unsupported();
    if (reason) return ctx.skip(reason);
    const s = await sink(6);
    const emitter = emitterFor(s.daemonAddress);
    expect(await emitter.send([payload(1), payload(2)])).toEqual({ sent: 2, failed: 0 });
    await s.waitFor(2);
  });

  it('should count refusals from a closed port without throwing, and log once', async () => {
    const emitter = emitterFor(`127.0.0.1:${await closedPort()}`);
    for (let i = 0; i < 5; i++) {
      await emitter.send([payload(i)]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(emitter.stats.errors.ECONNREFUSED).toBeGreaterThanOrEqual(1);
    expect(emitter.stats.datagramsFailed).toBeGreaterThanOrEqual(1);
    expect(warnings.filter((w) => w.includes('ECONNREFUSED'))).toHaveLength(1);
  });

  it('should keep delivering after the daemon restarts on the same port (hostname re-resolved after the error)', async () => {
    const first = await sink();
    const emitter = emitterFor(`localhost:${first.port}`);
    await emitter.send([payload(1)]);
    await first.waitFor(1);
    await first.close();
    for (let i = 0; i < 3 && !emitter.stats.errors.ECONNREFUSED; i++) {
      await emitter.send([payload(2)]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(emitter.stats.errors.ECONNREFUSED).toBeGreaterThanOrEqual(1);
    // The "restarted daemon": a new socket bound to the same port.
    const restarted = createSocket('udp4');
    const received: string[] = [];
    restarted.on('message', (message) => received.push(message.toString()));
    await new Promise<void>((resolve) => restarted.bind(first.port, '127.0.0.1', resolve));
    try {
      expect(await emitter.send([payload(3)])).toEqual({ sent: 1, failed: 0 });
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(received).toEqual([payload(3)]);
    } finally {
      await new Promise<void>((resolve) => restarted.close(() => resolve()));
    }
  });

  it('should count a DNS failure and retry the lookup on the next batch', async () => {
    const emitter = emitterFor('no-such-host.invalid:2000');
    expect(await emitter.send([payload(1), payload(2)])).toEqual({ sent: 0, failed: 2 });
    expect(await emitter.send([payload(3)])).toEqual({ sent: 0, failed: 1 });
    expect(emitter.stats.datagramsFailed).toBe(3);
    expect(Object.keys(emitter.stats.errors).length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
  });

  it('should count EMSGSIZE for a datagram over the UDP limit and keep sending', async () => {
    const s = await sink();
    const emitter = emitterFor(s.daemonAddress);
    const result = await emitter.send([payload(1), 'x'.repeat(65_508), payload(2)]);
    expect(result).toEqual({ sent: 2, failed: 1 });
    expect(emitter.stats.errors.EMSGSIZE).toBe(1);
    await s.waitFor(2);
  });

  it('should close idempotently, leave no UDP handle, and count sends after close', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = udpHandles();
    const s = await sink();
    const emitter = emitterFor(s.daemonAddress);
    await emitter.send([payload(1)]);
    await s.close();
    await Promise.all([emitter.close(), emitter.close()]);
    await emitter.close();
    await new Promise((resolve) => setTimeout(resolve, 20)); // libuv frees closed handles on a later loop turn
    expect(udpHandles()).toBe(before);
    expect(await emitter.send([payload(2)])).toEqual({ sent: 0, failed: 1 });
    expect(emitter.stats.errors.CLOSED).toBe(1);
  });
});
