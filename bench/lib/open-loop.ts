/**
 * The pure parts of the open-loop load generator (bench/lib/open-loop-child.ts), unit-tested in
 * test/bench/open-loop.test.ts: a latency histogram with percentiles, the fixed timetable requests are sent on, and the
 * recorder that measures each response from its *scheduled* send time, so time spent waiting to be sent (a busy
 * connection, a late timer, a server that stopped reading) counts as latency: coordinated omission is accounted for.
 */

/** Exact below 2 × SUB µs; above, buckets of relative width 1/SUB (≈ 0.1 %), as HdrHistogram with 3 digits. */
const SUB_BITS = 10;
const SUB = 1 << SUB_BITS;
/** Values up to 2^32 − 1 µs (≈ 71 minutes) have their bucket; larger ones land in one more, the last. */
const BUCKETS = 23 * SUB + 1;

function bucketOf(micros: number): number {
  const v = Math.max(0, Math.floor(micros));
  if (v < 2 * SUB) return v;
  if (v > 0xffff_ffff) return BUCKETS - 1;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return shift * SUB + (v >>> shift);
}

/** The highest value that lands in bucket `index` (what a percentile reports, as HdrHistogram does). */
function highestIn(index: number): number {
  if (index < 2 * SUB) return index;
  const shift = Math.floor(index / SUB) - 1;
  const base = index - shift * SUB;
  return (base + 1) * 2 ** shift - 1;
}

/** Latencies in whole microseconds. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;

  record(micros: number): void {
    this.counts[bucketOf(micros)]! += 1;
    this.count++;
    if (micros > this.max) this.max = micros;
  }

  /**
   * The value at percentile `p` (0–100]: the smallest bucket holding at least ⌈p/100 × count⌉ values, reported as that
   * bucket's highest value (exact below 2,048 µs, within 0.1 % above); the exact maximum for p = 100. NaN when empty.
   */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    if (p >= 100) return this.max;
    // The epsilon keeps float error (99.9 / 100 × 1000 = 999.0000000000001) from moving the rank up by one.
    const rank = Math.max(1, Math.ceil((p * this.count) / 100 - 1e-9));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(highestIn(i), this.max);
    }
    return this.max;
  }
}

/** Request i is due at `startMs + i × 1000 / rate`: computed from i, never accumulated, so the timetable never drifts. */
export class Timetable {
  readonly intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    readonly startMs: number,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  scheduledAt(index: number): number {
    return this.startMs + index * this.intervalMs;
  }

  /** How many requests are due by `nowMs` (indices 0 … n − 1): the generator sends every one of them now. */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    return Math.floor((nowMs - this.startMs) / this.intervalMs) + 1;
  }
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Percentiles of a histogram of µs, in ms. */
export function percentilesMs(h: LatencyHistogram): Percentiles {
  const ms = (p: number): number => h.percentile(p) / 1000;
  return { p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: ms(100) };
}

/**
 * Three views of each response. `latency` (from the scheduled send time) is the figure; `service` (from the moment the
 * request was handed to the socket) is what a closed-loop tool reports and misses any wait before sending; `sendLag`
 * (scheduled → handed over) is the generator's own delay: timer granularity, a busy event loop, no free connection.
 */
export class ResponseRecorder {
  readonly latency = new LatencyHistogram();
  readonly service = new LatencyHistogram();
  readonly sendLag = new LatencyHistogram();

  record(scheduledMs: number, sentMs: number, doneMs: number): void {
    this.latency.record(Math.round((doneMs - scheduledMs) * 1000));
    this.service.record(Math.round((doneMs - sentMs) * 1000));
    this.sendLag.record(Math.round((sentMs - scheduledMs) * 1000));
  }
}

/**
 * Frames HTTP/1.1 responses on a keep-alive connection with one request in flight (no pipelining): headers, then
 * Content-Length bytes of body, which both bench servers always send. Anything else is an error, not a guess.
 */
export class ResponseFramer {
  private pending: Buffer | undefined;

  /** Feeds the bytes read; returns the status code once a whole response has arrived, undefined until then. */
  push(chunk: Buffer): number | undefined {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return this.keep(buf);
    const head = buf.toString('latin1', 0, end);
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1];
    if (!head.startsWith('HTTP/1.1 ') || length === undefined) throw new Error(`cannot frame the response: ${head.slice(0, 200)}`);
    const total = end + 4 + Number(length);
    if (buf.length < total) return this.keep(buf);
    if (buf.length > total) throw new Error('more bytes than the one response asked for');
    this.pending = undefined;
    return Number(head.slice(9, 12));
  }

  private keep(buf: Buffer): undefined {
    this.pending = buf;
    return undefined;
  }
}
