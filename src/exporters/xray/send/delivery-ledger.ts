/**
 * What the UDP emitter sent and lost, and what it tells the backend's LossSink.
 *
 * What a refusal costs. The kernel reports an ICMP error on a connected socket once, on the next send (which then
 * fails, unsent) or on the next receive (a socket 'error' event), and several refusals that arrive before it is read
 * collapse into one. Counting refusals would undercount by far. So a batch during which a refusal surfaces is lost
 * whole, and so is any batch sent cleanly in the CONFIRM_MS before it (its refusal may be the one that surfaced). A
 * batch sent cleanly and followed by CONFIRM_MS without a refusal counts as delivered, which ends an outage.
 */
import type { LossSink } from '../../../diag/loss-reporter';

/**
 * How long after a clean batch a refusal may still surface for it (an ICMP error takes one round trip to the daemon's
 * host, well under this); after it, the batch counts as delivered.
 */
export const CONFIRM_MS = 1_000;

/** Errors that report the fate of an earlier datagram (ICMP, read back from the socket), not of this one alone. */
export const REFUSALS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

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

/**
 * Clean batches that ended within this long of each other share one entry of the unconfirmed list (bounds it under any
 * export rate); an entry is confirmed CONFIRM_MS after its first batch ended.
 */
const BUCKET_MS = 50;

/**
 * Datagrams (and the spans they carry) sent cleanly by batches that ended from `at` on, not yet confirmed. `at` is a
 * `performance.now()` time: on the wall clock, a step back would hold confirmations (and the end of an outage) back by
 * as much, and a step forward would confirm batches a refusal may still come back for.
 */
interface Unconfirmed {
  readonly at: number;
  datagrams: number;
  spans: number;
}

/** The batch being sent: what the kernel took, and the refusal that surfaced meanwhile, if any. */
export interface Batch {
  sentDatagrams: number;
  sentSpans: number;
  refused: string | undefined;
}

export class DeliveryLedger {
  readonly stats: UdpEmitterStats = { datagramsSent: 0, bytesSent: 0, datagramsFailed: 0, errors: {} };
  private current: Batch | undefined;
  /**
   * Sent cleanly, less than CONFIRM_MS ago, oldest first: lost if a refusal surfaces now, delivered once CONFIRM_MS
   * passed without one. Each entry is confirmed on its own time, so a steady stream of batches (one every few hundred
   * milliseconds) confirms its older ones as it goes: a refusal costs only the last CONFIRM_MS, and the end of an
   * outage is seen while traffic continues.
   */
  private readonly unconfirmed: Unconfirmed[] = [];
  private confirmTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly loss: LossSink,
    /** The log text for refused datagrams (names the daemon's address). */
    readonly refusedDetail: string,
  ) {}

  /** A batch starts being sent. */
  begin(): Batch {
    this.current = { sentDatagrams: 0, sentSpans: 0, refused: undefined };
    return this.current;
  }

  /** The kernel took one datagram of the batch. */
  sent(batch: Batch, spans: number, bytes: number): void {
    batch.sentDatagrams++;
    batch.sentSpans += spans;
    this.stats.datagramsSent++;
    this.stats.bytesSent += bytes;
  }

  /** The batch is over: lost whole if a refusal surfaced while it was sent, else delivered unless one surfaces soon. */
  end(batch: Batch): void {
    if (this.current === batch) this.current = undefined;
    if (batch.refused !== undefined) {
      this.lost(batch.refused, batch.sentDatagrams, batch.sentSpans, this.refusedDetail);
      return;
    }
    if (batch.sentDatagrams === 0) return;
    const now = performance.now();
    const last = this.unconfirmed[this.unconfirmed.length - 1];
    if (last !== undefined && now - last.at < BUCKET_MS) {
      last.datagrams += batch.sentDatagrams;
      last.spans += batch.sentSpans;
    } else {
      this.unconfirmed.push({ at: now, datagrams: batch.sentDatagrams, spans: batch.sentSpans });
    }
    this.scheduleConfirm(now);
  }

  /** A refusal surfaced: the batch being sent, and every batch not yet confirmed, are lost to it. */
  refused(code: string): void {
    if (this.current !== undefined) this.current.refused ??= code;
    let datagrams = 0;
    let spans = 0;
    for (const entry of this.unconfirmed) {
      datagrams += entry.datagrams;
      spans += entry.spans;
    }
    this.unconfirmed.length = 0;
    this.lost(code, datagrams, spans, this.refusedDetail);
  }

  /** Datagrams (carrying `spans` spans) lost for `code`. */
  lost(code: string, datagrams: number, spans: number, detail: string, outage = true): void {
    if (datagrams <= 0) return;
    this.stats.datagramsFailed += datagrams;
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + datagrams;
    this.loss.lost(code, spans, detail, outage);
  }

  /** No more confirmations: what is unconfirmed at close is neither lost nor said to be delivered. */
  close(): void {
    this.closed = true;
    if (this.confirmTimer !== undefined) clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
  }

  /** A timer for the oldest unconfirmed entry, unless one is set (it re-arms itself for the next). */
  private scheduleConfirm(now: number): void {
    if (this.closed || this.confirmTimer !== undefined || this.unconfirmed.length === 0) return;
    this.confirmTimer = setTimeout(this.confirm, Math.max(0, this.unconfirmed[0]!.at + CONFIRM_MS - now));
    this.confirmTimer.unref();
  }

  private readonly confirm = (): void => {
    this.confirmTimer = undefined;
    const now = performance.now();
    let confirmed = false;
    while (this.unconfirmed.length > 0 && now - this.unconfirmed[0]!.at >= CONFIRM_MS) {
      this.unconfirmed.shift();
      confirmed = true;
    }
    if (confirmed) this.loss.delivered();
    this.scheduleConfirm(now);
  };
}
