/**
 * Sends datagrams to the X-Ray daemon on one unref'd, connected `dgram` socket (udp4 or udp6 to match the address).
 *
 * - Connected, so ICMP "port unreachable" comes back as ECONNREFUSED. An unconnected socket, like the X-Ray SDK's
 *   (aws-xray-sdk-node `lib/segment_emitter.js`), gets no error when no daemon listens: data is lost silently.
 * - Hostnames are resolved with dns.lookup once, and again after any error.
 * - A batch goes out in chunks of CHUNK_SIZE datagrams with a setImmediate between chunks, so a 512-span batch never
 *   blocks the event loop: 512 back-to-back sends hold it for milliseconds (bench/xray-event-loop.bench.ts). A batch
 *   queued behind another waits a turn before its first chunk too, so no turn sends more than one chunk.
 * - Every lost span is reported to the backend's LossSink with its cause (delivery-ledger.ts says how refusals
 *   are counted); nothing here throws or rejects.
 */
import type { Socket } from 'node:dgram';
import { encodeChunk } from './chunk-encoder';
import { connectDaemon, connectedTo, resolveDaemon, safeClose, type SocketFailure } from './daemon-socket';
import { DeliveryLedger, REFUSALS, type Batch, type UdpEmitterStats } from './delivery-ledger';
import { formatEndpoint, type DaemonEndpoint } from '../../../config/daemon-address';
import type { LossSink } from '../../../diag/loss-reporter';

/** Datagrams sent per event-loop turn. */
export const CHUNK_SIZE = 32;
/**
 * Datagrams that may wait behind a batch being sent; a batch that would take the queue past this is dropped (and
 * counted) to bound memory. A batch arriving at an idle emitter is always taken, whatever its size, and paced out.
 */
export const MAX_PENDING_DATAGRAMS = 16_384;
export type { UdpEmitterStats } from './delivery-ledger';

export interface SendResult {
  /** Datagrams handed to the kernel (a refusal may still come back for them). */
  readonly sent: number;
  readonly failed: number;
}

export class UdpEmitter {
  private readonly ledger: DeliveryLedger;
  private socket: Socket | undefined;
  private connecting: Promise<Socket | undefined> | undefined;
  /** Why the last connect failed (cause and log text), for the datagrams it cost. */
  private connectFailure: SocketFailure | undefined;
  private stale = true;
  private closed = false;
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly where: string;

  constructor(
    private readonly endpoint: DaemonEndpoint,
    loss: LossSink,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    this.where = formatEndpoint(endpoint);
    this.ledger = new DeliveryLedger(loss, `the daemon at ${this.where} refused them. Is the X-Ray daemon running and listening on UDP?`);
  }

  /** What was sent and lost so far. */
  get stats(): UdpEmitterStats {
    return this.ledger.stats;
  }

  /** Datagrams accepted and not yet handed to the socket. */
  get pendingDatagrams(): number {
    return this.pending;
  }

  /**
   * Queues a batch after the ones already queued. `spans[i]` is how many spans payload i carries (1 when omitted), for
   * the loss counts. Resolves when the batch has been handed to the socket; never rejects.
   */
  send(payloads: readonly (string | Buffer)[], spans?: readonly number[]): Promise<SendResult> {
    if (payloads.length === 0) return Promise.resolve({ sent: 0, failed: 0 });
    if (this.closed) {
      this.ledger.lost('CLOSED', payloads.length, spanCount(spans, payloads.length, 0), 'the X-Ray exporter was shut down.', false);
      return Promise.resolve({ sent: 0, failed: payloads.length });
    }
    if (this.pending > 0 && this.pending + payloads.length > MAX_PENDING_DATAGRAMS) {
      this.ledger.lost('QUEUE_FULL', payloads.length, spanCount(spans, payloads.length, 0),
        `more than ${MAX_PENDING_DATAGRAMS} datagrams were waiting to be sent to ${this.where}.`);
      return Promise.resolve({ sent: 0, failed: payloads.length });
    }
    // Queued behind another batch: its first chunk waits a turn too, so no turn sends more than one chunk.
    const queued = this.pending > 0;
    this.pending += payloads.length;
    const run = this.tail.then(() => this.sendAll(payloads, spans, queued));
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
    this.ledger.close();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => safeClose(socket, resolve));
  }

  private async sendAll(payloads: readonly (string | Buffer)[], spans: readonly number[] | undefined, queued: boolean): Promise<SendResult> {
    const batch = this.ledger.begin();
    let done = 0;
    let failed = 0;
    try {
      for (let start = 0; start < payloads.length; start += this.chunkSize) {
        if (start > 0 || queued) await new Promise<void>((resolve) => setImmediate(resolve));
        const socket = await this.ready();
        const end = Math.min(start + this.chunkSize, payloads.length);
        if (!socket) {
          const why = this.connectFailure ?? { code: 'ECONNECT', detail: `cannot reach the daemon at ${this.where}.` };
          this.ledger.lost(why.code, payloads.length - start, spanCount(spans, payloads.length, start), why.detail);
          failed += payloads.length - start;
          done = payloads.length;
          break;
        }
        failed += end - start - (await this.sendChunk(batch, socket, payloads, spans, start, end));
        done = end;
      }
    } catch (err) {
      const left = payloads.length - done;
      failed += left;
      this.ledger.lost('INTERNAL', left, spanCount(spans, payloads.length, done), `unexpected error sending to ${this.where}: ${String(err)}`);
    } finally {
      this.pending -= payloads.length;
      this.ledger.end(batch);
    }
    return { sent: payloads.length - failed, failed };
  }

  /**
   * Sends payloads[start, end) and resolves with how many the kernel took. One promise and one shared callback per
   * chunk (dgram's callback gets the byte count) instead of a promise and a closure per datagram. Measured on loopback:
   * `dgram.send` itself is most of the CPU per datagram, so the syscall, not this code, is the X-Ray path's floor.
   * A chunk whose payloads carry different span counts gets a callback per datagram, to count lost spans exactly.
   */
  private sendChunk(
    batch: Batch,
    socket: Socket,
    payloads: readonly (string | Buffer)[],
    spans: readonly number[] | undefined,
    start: number,
    end: number,
  ): Promise<number> {
    return new Promise((resolve) => {
      let remaining = end - start;
      let sent = 0;
      const callback = (weight: number) => (err: Error | null, bytes: number): void => {
        if (err) {
          this.onSendError(err, weight);
        } else {
          sent++;
          this.ledger.sent(batch, weight, bytes);
        }
        if (--remaining === 0) resolve(sent);
      };
      const weight = uniformWeight(spans, start, end);
      const shared = weight === undefined ? undefined : callback(weight);
      // The chunk's strings encoded into one buffer (chunk-encoder.ts); if that throws, sendAll counts every payload not yet sent as failed.
      const encoded = encodeChunk(payloads, start, end);
      for (let i = start; i < end; i++) {
        const onSent = shared ?? callback(spans![i] ?? 1);
        try {
          socket.send(encoded[i - start]!, onSent);
        } catch (err) {
          onSent(err as Error, 0);
        }
      }
    });
  }

  private onSendError(err: NodeJS.ErrnoException | Error, spans: number): void {
    const code = ('code' in err && typeof err.code === 'string' && err.code) || 'ESEND';
    if (code === 'EMSGSIZE') {
      this.ledger.lost(code, 1, spans, `a datagram was too large for the path to ${this.where}; lower xray.maxDocumentBytes.`);
      return;
    }
    this.stale = true;
    if (REFUSALS.has(code)) {
      // This datagram was not sent (the send reported an earlier datagram's ICMP error).
      this.ledger.lost(code, 1, spans, this.ledger.refusedDetail);
      this.ledger.refused(code);
      return;
    }
    this.ledger.lost(code, 1, spans, `sending to the daemon at ${this.where} failed: ${code} ${err.message}`);
  }

  /** Socket 'error' events: on a connected socket, ICMP errors (refusals) for earlier datagrams arrive here. */
  private onSocketError(err: NodeJS.ErrnoException): void {
    this.stale = true;
    this.ledger.refused(err.code ?? 'ESOCKET');
  }

/** The connected socket, (re)resolving and (re)connecting when needed; undefined when that failed. */
  private ready(): Promise<Socket | undefined> | Socket | undefined {
    if (this.socket && !this.stale) return this.socket;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Socket | undefined> {
    const daemon = await resolveDaemon(this.endpoint);
    if ('code' in daemon) {
      this.connectFailure = daemon;
      return undefined;
    }
    if (this.socket && connectedTo(this.socket, daemon)) {
      this.stale = false;
      return this.socket;
    }
    this.closeSocket();
    if (this.closed) return undefined;
    const socket = await connectDaemon(this.endpoint, daemon);
    if ('code' in socket) {
      this.connectFailure = socket;
      return undefined;
    }
    if (this.closed) {
      safeClose(socket);
      return undefined;
    }
    socket.on('error', (err) => this.onSocketError(err));
    this.socket = socket;
    this.stale = false;
    return socket;
  }

  private closeSocket(): void {
    if (this.socket) safeClose(this.socket);
    this.socket = undefined;
  }
}

/** Spans carried by payloads[from, count) (1 each when the sender gave no counts). */
function spanCount(spans: readonly number[] | undefined, count: number, from: number): number {
  if (spans === undefined) return count - from;
  let sum = 0;
  for (let i = from; i < count; i++) sum += spans[i] ?? 1;
  return sum;
}

/** The span count every payload in [start, end) carries, or undefined when they differ. */
function uniformWeight(spans: readonly number[] | undefined, start: number, end: number): number | undefined {
  if (spans === undefined) return 1;
  const first = spans[start] ?? 1;
  for (let i = start + 1; i < end; i++) if ((spans[i] ?? 1) !== first) return undefined;
  return first;
}
