/**
 * Sends datagrams to the X-Ray daemon on one unref'd, connected `dgram` socket (udp4 or udp6 to match the address).
 *
 * - Connected, so ICMP "port unreachable" comes back as ECONNREFUSED. An unconnected socket, like the X-Ray SDK's
 *   (aws-xray-sdk-node `lib/segment_emitter.js`), gets no error when no daemon listens: data is lost silently.
 * - Hostnames are resolved with dns.lookup once, and again after any error.
 * - A batch goes out in chunks of CHUNK_SIZE datagrams with a setImmediate between chunks, so a 512-span batch never
 *   blocks the event loop: 512 back-to-back sends hold it for milliseconds (bench/xray-event-loop.bench.ts). A batch
 *   queued behind another waits a turn before its first chunk too, so no turn sends more than one chunk.
 * - Every lost span is reported to the backend's LossSink with its cause; nothing here throws or rejects.
 *
 * What a refusal costs. The kernel reports an ICMP error on a connected socket once, on the next send (which then
 * fails, unsent) or on the next receive (a socket 'error' event), and several refusals that arrive before it is read
 * collapse into one. Counting refusals would undercount by far. So a batch during which a refusal surfaces is lost
 * whole, and so is any batch sent cleanly in the CONFIRM_MS before it (its refusal may be the one that surfaced). A
 * batch sent cleanly and followed by CONFIRM_MS without a refusal counts as delivered, which ends an outage.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { encodeChunk } from './chunk-encoder';
import { formatEndpoint, type DaemonEndpoint } from '../../../config/daemon-address';
import type { LossSink } from '../../../diag/loss-reporter';

/** Datagrams sent per event-loop turn. */
export const CHUNK_SIZE = 32;
/**
 * Datagrams that may wait behind a batch being sent; a batch that would take the queue past this is dropped (and
 * counted) to bound memory. A batch arriving at an idle emitter is always taken, whatever its size, and paced out.
 */
export const MAX_PENDING_DATAGRAMS = 16_384;
/**
 * How long after a clean batch a refusal may still surface for it (an ICMP error takes one round trip to the daemon's
 * host, well under this); after it, the batch counts as delivered.
 */
export const CONFIRM_MS = 1_000;

/** Errors that report the fate of an earlier datagram (ICMP, read back from the socket), not of this one alone. */
const REFUSALS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

export interface UdpEmitterStats {
  /** Datagrams handed to the kernel without error. */
  datagramsSent: number;
  bytesSent: number;
  /**
   * Datagrams lost: send errors, DNS failures, a full queue, a closed emitter, and those handed to the kernel in a batch
   * the daemon refused (so also in `datagramsSent`).
   */
  datagramsFailed: number;
  /** Lost datagrams by cause (`ECONNREFUSED`, `EMSGSIZE`, `ENOTFOUND`, `QUEUE_FULL`, …). */
  errors: Record<string, number>;
}

export interface SendResult {
  /** Datagrams handed to the kernel (a refusal may still come back for them). */
  readonly sent: number;
  readonly failed: number;
}

/** The batch being sent: what the kernel took, and the refusal that surfaced meanwhile, if any. */
interface Batch {
  sentDatagrams: number;
  sentSpans: number;
  refused: string | undefined;
}

export class UdpEmitter {
  readonly stats: UdpEmitterStats = { datagramsSent: 0, bytesSent: 0, datagramsFailed: 0, errors: {} };
  private socket: Socket | undefined;
  private connecting: Promise<Socket | undefined> | undefined;
  /** Why the last connect failed (cause and log text), for the datagrams it cost. */
  private connectFailure: { code: string; detail: string } | undefined;
  private stale = true;
  private closed = false;
  private pending = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly where: string;
  private readonly refusedDetail: string;
  private current: Batch | undefined;
  /** Sent cleanly, less than CONFIRM_MS ago: lost if a refusal surfaces now, delivered if none does. */
  private unconfirmedDatagrams = 0;
  private unconfirmedSpans = 0;
  private confirmTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpoint: DaemonEndpoint,
    private readonly loss: LossSink,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    this.where = formatEndpoint(endpoint);
    this.refusedDetail = `the daemon at ${this.where} refused them. Is the X-Ray daemon running and listening on UDP?`;
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
      this.fail('CLOSED', payloads.length, spanCount(spans, payloads.length, 0), 'the X-Ray exporter was shut down.', false);
      return Promise.resolve({ sent: 0, failed: payloads.length });
    }
    if (this.pending > 0 && this.pending + payloads.length > MAX_PENDING_DATAGRAMS) {
      this.fail('QUEUE_FULL', payloads.length, spanCount(spans, payloads.length, 0),
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
    if (this.confirmTimer !== undefined) clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => safeClose(socket, resolve));
  }

  private async sendAll(payloads: readonly (string | Buffer)[], spans: readonly number[] | undefined, queued: boolean): Promise<SendResult> {
    const batch: Batch = { sentDatagrams: 0, sentSpans: 0, refused: undefined };
    this.current = batch;
    let done = 0;
    let failed = 0;
    try {
      for (let start = 0; start < payloads.length; start += this.chunkSize) {
        if (start > 0 || queued) await new Promise<void>((resolve) => setImmediate(resolve));
        const socket = await this.ready();
        const end = Math.min(start + this.chunkSize, payloads.length);
        if (!socket) {
          const why = this.connectFailure ?? { code: 'ECONNECT', detail: `cannot reach the daemon at ${this.where}.` };
          this.fail(why.code, payloads.length - start, spanCount(spans, payloads.length, start), why.detail);
          failed += payloads.length - start;
          done = payloads.length;
          break;
        }
        failed += end - start - (await this.sendChunk(socket, payloads, spans, start, end));
        done = end;
      }
    } catch (err) {
      const left = payloads.length - done;
      failed += left;
      this.fail('INTERNAL', left, spanCount(spans, payloads.length, done), `unexpected error sending to ${this.where}: ${String(err)}`);
    } finally {
      this.pending -= payloads.length;
      this.current = undefined;
      this.settle(batch);
    }
    return { sent: payloads.length - failed, failed };
  }

  /** After a batch: lost whole if a refusal surfaced while it was sent, else delivered unless one surfaces soon. */
  private settle(batch: Batch): void {
    if (batch.refused !== undefined) {
      this.fail(batch.refused, batch.sentDatagrams, batch.sentSpans, this.refusedDetail);
      return;
    }
    if (batch.sentDatagrams === 0) return;
    this.unconfirmedDatagrams += batch.sentDatagrams;
    this.unconfirmedSpans += batch.sentSpans;
    if (this.closed) return;
    this.confirmTimer ??= setTimeout(this.confirm, CONFIRM_MS);
    this.confirmTimer.refresh();
    this.confirmTimer.unref();
  }

  private readonly confirm = (): void => {
    this.confirmTimer = undefined;
    if (this.unconfirmedDatagrams === 0 || this.current !== undefined) return; // the batch being sent settles it
    this.unconfirmedDatagrams = 0;
    this.unconfirmedSpans = 0;
    this.loss.delivered();
  };

  /** A refusal surfaced: the batch being sent, and every batch not yet confirmed, are lost to it. */
  private refused(code: string): void {
    if (this.current !== undefined) this.current.refused ??= code;
    if (this.unconfirmedDatagrams > 0) {
      this.fail(code, this.unconfirmedDatagrams, this.unconfirmedSpans, this.refusedDetail);
      this.unconfirmedDatagrams = 0;
      this.unconfirmedSpans = 0;
    }
  }

  /**
   * Sends payloads[start, end) and resolves with how many the kernel took. One promise and one shared callback per
   * chunk (dgram's callback gets the byte count) instead of a promise and a closure per datagram. Measured on loopback:
   * `dgram.send` itself is most of the CPU per datagram, so the syscall, not this code, is the X-Ray path's floor.
   * A chunk whose payloads carry different span counts gets a callback per datagram, to count lost spans exactly.
   */
  private sendChunk(
    socket: Socket,
    payloads: readonly (string | Buffer)[],
    spans: readonly number[] | undefined,
    start: number,
    end: number,
  ): Promise<number> {
    const batch = this.current!;
    return new Promise((resolve) => {
      let remaining = end - start;
      let sent = 0;
      const callback = (weight: number) => (err: Error | null, bytes: number): void => {
        if (err) {
          this.onSendError(err, weight);
        } else {
          sent++;
          batch.sentDatagrams++;
          batch.sentSpans += weight;
          this.stats.datagramsSent++;
          this.stats.bytesSent += bytes;
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
      this.fail(code, 1, spans, `a datagram was too large for the path to ${this.where}; lower xray.maxDocumentBytes.`);
      return;
    }
    this.stale = true;
    if (REFUSALS.has(code)) {
      // This datagram was not sent (the send reported an earlier datagram's ICMP error).
      this.fail(code, 1, spans, this.refusedDetail);
      this.refused(code);
      return;
    }
    this.fail(code, 1, spans, `sending to the daemon at ${this.where} failed: ${code} ${err.message}`);
  }

  /** Socket 'error' events: on a connected socket, ICMP errors (refusals) for earlier datagrams arrive here. */
  private onSocketError(err: NodeJS.ErrnoException): void {
    this.stale = true;
    this.refused(err.code ?? 'ESOCKET');
  }

  private fail(code: string, datagrams: number, spans: number, detail: string, outage = true): void {
    if (datagrams <= 0) return;
    this.stats.datagramsFailed += datagrams;
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + datagrams;
    this.loss.lost(code, spans, detail, outage);
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
        this.connectFailure = { code, detail: `cannot resolve the daemon host ${this.where} (${code}); tried again for the next batch.` };
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
    socket.unref();
    const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      // A failed connect emits 'error' and never calls the connect callback.
      const onError = (err: NodeJS.ErrnoException): void => resolve(err);
      socket.once('error', onError);
      try {
        socket.connect(port, address, () => {
          socket.off('error', onError);
          resolve(undefined);
        });
      } catch (err) {
        socket.off('error', onError);
        resolve(err as NodeJS.ErrnoException);
      }
    });
    if (failure !== undefined || this.closed) {
      const code = failure?.code ?? 'CLOSED';
      this.connectFailure = { code, detail: `cannot connect a UDP socket to the daemon at ${this.where} (${code}).` };
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
