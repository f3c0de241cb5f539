/**
 * Sends datagrams to the X-Ray daemon on one unref'd, connected `dgram` socket (udp4 or udp6 to match the address).
 *
 * - Connected, so ICMP "port unreachable" comes back as ECONNREFUSED and is counted. An unconnected socket, like the
 *   X-Ray SDK's (aws-xray-sdk-node `lib/segment_emitter.js`), gets no error when no daemon listens: data is lost silently.
 * - Hostnames are resolved with dns.lookup once, and again after any error.
 * - A batch goes out in chunks of CHUNK_SIZE datagrams with a setImmediate between chunks, so a 512-span batch never
 *   blocks the event loop: 512 back-to-back sends hold it for milliseconds (bench/xray-event-loop.bench.ts).
 * - Nothing here throws or rejects: every failure is counted in `stats` and logged through a RateLimitedLog.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { encodeChunk } from './chunk-encoder';
import { formatEndpoint, type DaemonEndpoint } from '../../../config/daemon-address';
import type { RateLimitedLog } from '../../../diag/rate-limited-log';

/** Datagrams sent per event-loop turn. */
export const CHUNK_SIZE = 32;
/** Datagrams that may wait to be sent; beyond this whole batches are dropped (and counted) to bound memory. */
export const MAX_PENDING_DATAGRAMS = 16_384;

export interface UdpEmitterStats {
  /** Datagrams handed to the kernel without error. */
  datagramsSent: number;
  bytesSent: number;
  /**
   * Datagrams that failed (send errors, DNS failures, queue overflow), plus refusals reported later by ICMP: those
   * were first counted in `datagramsSent`, as the kernel had accepted them.
   */
  datagramsFailed: number;
  /** Failure counts by error code (`ECONNREFUSED`, `EMSGSIZE`, `ENOTFOUND`, `QUEUE_FULL`, …). */
  errors: Record<string, number>;
}

export interface SendResult {
  readonly sent: number;
  readonly failed: number;
}

export class UdpEmitter {
  readonly stats: UdpEmitterStats = { datagramsSent: 0, bytesSent: 0, datagramsFailed: 0, errors: {} };
  private socket: Socket | undefined;
  private connecting: Promise<Socket | undefined> | undefined;
  private stale = true;
  private closed = false;
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly where: string;

  constructor(
    private readonly endpoint: DaemonEndpoint,
    private readonly log: RateLimitedLog,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    this.where = formatEndpoint(endpoint);
  }

  /** Queues a batch after the ones already queued. Resolves when it has been sent; never rejects. */
  send(payloads: readonly (string | Buffer)[]): Promise<SendResult> {
    if (payloads.length === 0) return Promise.resolve({ sent: 0, failed: 0 });
    if (this.closed || this.pending + payloads.length > MAX_PENDING_DATAGRAMS) {
      const code = this.closed ? 'CLOSED' : 'QUEUE_FULL';
      this.fail(code, payloads.length, `X-Ray: dropped ${payloads.length} datagrams for ${this.where} (${code}).`);
      return Promise.resolve({ sent: 0, failed: payloads.length });
    }
    this.pending += payloads.length;
    const run = this.tail.then(() => this.sendAll(payloads));
    this.tail = run;
    return run;
  }

  /** Resolves once every batch queued so far has been handed to the socket. */
  async flush(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  /** Flushes, then closes the socket. Idempotent; later sends are dropped and counted. */
  async close(): Promise<void> {
    if (this.closed) return this.flush();
    await this.flush();
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => safeClose(socket, resolve));
  }

  private async sendAll(payloads: readonly (string | Buffer)[]): Promise<SendResult> {
    let sent = 0;
    let failed = 0;
    try {
      for (let start = 0; start < payloads.length; start += this.chunkSize) {
        if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const socket = await this.ready();
        const end = Math.min(start + this.chunkSize, payloads.length);
        if (!socket) {
          failed += payloads.length - start;
          this.stats.datagramsFailed += payloads.length - start;
          break;
        }
        const ok = await this.sendChunk(socket, payloads, start, end);
        sent += ok;
        failed += end - start - ok;
      }
    } catch (err) {
      failed = payloads.length - sent;
      this.fail('INTERNAL', 0, `X-Ray: unexpected error sending to ${this.where}: ${String(err)}`);
    } finally {
      this.pending -= payloads.length;
    }
    return { sent, failed };
  }

  /**
   * Sends payloads[start, end) and resolves with how many the kernel took. One promise and one shared callback per
   * chunk (dgram's callback gets the byte count) instead of a promise and a closure per datagram. Measured on loopback:
   * `dgram.send` itself is most of the CPU per datagram, so the syscall, not this code, is the X-Ray path's floor.
   */
  private sendChunk(socket: Socket, payloads: readonly (string | Buffer)[], start: number, end: number): Promise<number> {
    return new Promise((resolve) => {
      let remaining = end - start;
      let sent = 0;
      const settle = (): void => {
        if (--remaining === 0) resolve(sent);
      };
      const onSent = (err: Error | null, bytes: number): void => {
        if (err) {
          this.onSendError(err);
        } else {
          sent++;
          this.stats.datagramsSent++;
          this.stats.bytesSent += bytes;
        }
        settle();
      };
      // The chunk's strings encoded into one buffer (chunk-encoder.ts); if that throws, sendAll counts every payload not yet sent as failed.
      const encoded = encodeChunk(payloads, start, end);
      for (let i = start; i < end; i++) {
        try {
          socket.send(encoded[i - start]!, onSent);
        } catch (err) {
          this.onSendError(err as Error);
          settle();
        }
      }
    });
  }

  private onSendError(err: NodeJS.ErrnoException | Error): void {
    const code = ('code' in err && typeof err.code === 'string' && err.code) || 'ESEND';
    if (code === 'EMSGSIZE') {
      this.fail(code, 1, `X-Ray: a datagram was too large for the path to ${this.where} (EMSGSIZE); lower maxDocumentBytes.`);
      return;
    }
    this.fail(code, 1, `X-Ray: sending to the daemon at ${this.where} failed: ${code} ${err.message}`);
    this.stale = true;
  }

  /** Socket 'error' events: on a connected socket, ICMP refusals arrive here as ECONNREFUSED (recvmsg). */
  private onSocketError(err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'ESOCKET';
    const hint = code === 'ECONNREFUSED' ? ' Is the X-Ray daemon running and listening on UDP?' : '';
    // Each refusal reports one datagram the daemon did not take; other socket errors lose nothing by themselves.
    this.fail(code, code === 'ECONNREFUSED' ? 1 : 0, `X-Ray: the daemon at ${this.where} refused or lost datagrams (${code}).${hint}`);
    this.stale = true;
  }

  private fail(code: string, datagrams: number, message: string): void {
    this.stats.datagramsFailed += datagrams;
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + Math.max(datagrams, 1);
    this.log.warn(`udp:${code}`, message);
  }

  /** The connected socket, (re)resolving and (re)connecting when needed; undefined when that failed. */
  private ready(): Promise<Socket | undefined> | Socket | undefined {
    if (this.socket && !this.stale) return this.socket;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Socket | undefined> {
    const { host, port } = this.endpoint;
    let address = host;
    let family = isIP(host);
    if (family === 0) {
      try {
        // IPv4 first, like the endpoint's documented default for hostnames (config/daemon-address.ts).
        ({ address, family } = await lookup(host, { verbatim: false }));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EDNS';
        this.fail(code, 0, `X-Ray: cannot resolve the daemon host ${this.where}: ${code}. Will retry on the next batch.`);
        return undefined;
      }
    }
    const current = remoteOf(this.socket);
    if (this.socket && current?.address === address && current.family === `IPv${family}`) {
      // Same address after an error: keep the connected socket (UDP has no connection state to repair).
      this.stale = false;
      return this.socket;
    }
    this.closeSocket();
    if (this.closed) return undefined;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    socket.on('error', (err) => this.onSocketError(err));
    socket.unref();
    const ok = await new Promise<boolean>((resolve) => {
      // A failed connect emits 'error' (counted by onSocketError) and never calls the connect callback.
      const onError = (): void => resolve(false);
      socket.once('error', onError);
      try {
        socket.connect(port, address, () => {
          socket.off('error', onError);
          resolve(true);
        });
      } catch (err) {
        this.onSocketError(err as NodeJS.ErrnoException);
        resolve(false);
      }
    });
    if (!ok || this.closed) {
      safeClose(socket);
      return undefined;
    }
    this.socket = socket;
    this.stale = false;
    return socket;
  }

  private closeSocket(): void {
    if (this.socket) safeClose(this.socket);
    this.socket = undefined;
  }
}

function remoteOf(socket: Socket | undefined): { address: string; family: string } | undefined {
  try {
    return socket?.remoteAddress();
  } catch {
    return undefined; // not connected
  }
}

function safeClose(socket: Socket, onClosed?: () => void): void {
  try {
    socket.close(onClosed);
  } catch {
    onClosed?.(); // already closed
  }
}
