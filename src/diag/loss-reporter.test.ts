import type { DiagLogger } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../../test/helpers/wall-clock';
import { lossCause } from './loss-cause';
import { LossReporter } from './loss-reporter';

function setup() {
  const lines: string[] = [];
  const log = { warn: (message: string) => lines.push(message) } as unknown as DiagLogger;
  return { lines, loss: new LossReporter('xray', log, 30_000) };
}

/** Sums the counts of the loss lines for one cause. */
function counted(lines: readonly string[], cause: string): number {
  return lines.reduce((sum, line) => {
    const match = /^xray: (\d+) (?:more )?spans? lost \((.+?)\)/.exec(line);
    return match && match[2] === cause ? sum + Number(match[1]) : sum;
  }, 0);
}

describe('LossReporter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('should report the first loss of a cause at once, then one line per interval with the count since, unprompted', () => {
    const { lines, loss } = setup();
    loss.lost('ECONNREFUSED', 50, 'the daemon refused them.');
    expect(lines).toEqual([
      'xray: 50 spans lost (ECONNREFUSED): the daemon refused them. Further losses are counted and reported at most every 30 s.',
    ]);
    for (let i = 0; i < 19; i++) loss.lost('ECONNREFUSED', 50, 'the daemon refused them.');
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(30_000); // no further failure needed for the count to come out
    expect(lines[1]).toBe('xray: 950 more spans lost (ECONNREFUSED), 1000 in all: the daemon refused them.');
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(2); // nothing pending, nothing written
    expect(loss.totals()).toEqual({ ECONNREFUSED: 1000 });
  });

  it('should count and limit each cause separately', () => {
    const { lines, loss } = setup();
    loss.lost('ENOBUFS', 3, 'no buffer space.');
    loss.lost('ENOTFOUND', 2, 'no such host.');
    loss.lost('ENOBUFS', 4, 'no buffer space.');
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(30_000);
    expect(lines).toHaveLength(3);
    expect(counted(lines, 'ENOBUFS')).toBe(7);
    expect(counted(lines, 'ENOTFOUND')).toBe(2);
  });

  it('should report recovery once per outage, and at most once per interval while the fault flaps', () => {
    const { lines, loss } = setup();
    loss.delivered(); // no outage: nothing to say
    expect(lines).toEqual([]);
    for (let i = 0; i < 6; i++) {
      loss.lost('HTTP 500', 10, 'HTTP 500 from the endpoint.');
      loss.delivered();
      loss.delivered(); // more successes in the same healthy stretch say nothing
    }
    expect(lines).toEqual([
      expect.stringMatching(/^xray: 10 spans lost \(HTTP 500\)/),
      'xray export recovered after losing 10 spans.',
    ]);
    vi.advanceTimersByTime(30_000);
    expect(lines.slice(2)).toEqual([
      'xray: 50 more spans lost (HTTP 500), 60 in all: HTTP 500 from the endpoint.',
      'xray export recovered after losing 50 spans.',
    ]);
  });

  it('should say nothing of recovery while the backend is still failing', () => {
    const { lines, loss } = setup();
    loss.lost('HTTP 500', 1, 'x');
    loss.delivered();
    loss.lost('HTTP 500', 1, 'x'); // failing again before the held-back recovery line was due
    vi.advanceTimersByTime(60_000);
    expect(lines.filter((line) => line.includes('recovered'))).toHaveLength(1);
  });

  it('should not call a loss of spans refused for what they are an outage', () => {
    const { lines, loss } = setup();
    loss.lost('TOO_LARGE', 1, 'a document too large even alone.', false);
    loss.delivered();
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(1);
  });

  it('should write whatever is held back on flush()', () => {
    const { lines, loss } = setup();
    loss.lost('QUEUE_FULL', 1, 'queue full.');
    loss.lost('QUEUE_FULL', 99, 'queue full.');
    loss.flush();
    expect(counted(lines, 'QUEUE_FULL')).toBe(100);
    loss.flush();
    expect(lines).toHaveLength(2);
  });

  it('should survive a logger that throws', () => {
    const loss = new LossReporter('xray', { warn: () => { throw new Error('broken'); } } as unknown as DiagLogger);
    expect(() => loss.lost('E', 1, 'm')).not.toThrow();
  });
});

// The interval runs on a monotonic clock (real timers here, only Date is faked). On the wall clock, a step back held a
// count back until the clock caught up, an hour here, and a step forward let a line through before its interval.
describe('LossReporter when the wall clock steps', () => {
  afterEach(() => restoreWallClock());

  /** A reporter with a 300 ms interval; `nextLine()` resolves at the next line written. */
  function stepping() {
    const lines: string[] = [];
    let wake = (): void => undefined;
    const log = { warn: (message: string) => (lines.push(message), wake()) } as unknown as DiagLogger;
    const nextLine = (): Promise<void> => new Promise((resolve) => (wake = resolve));
    return { lines, nextLine, loss: new LossReporter('xray', log, 300) };
  }

  it('should write a held-back count at the end of its interval, though the clock stepped back an hour', { timeout: 10_000 }, async () => {
    fakeWallClock();
    const { lines, nextLine, loss } = stepping();
    loss.lost('ECONNREFUSED', 1, 'refused.');
    loss.lost('ECONNREFUSED', 4, 'refused.'); // held back for the interval
    const written = nextLine();
    stepWallClock(-HOUR);
    await written;
    expect(lines[1]).toBe('xray: 4 more spans lost (ECONNREFUSED), 5 in all: refused.');
  });

  it('should still hold a count back for its interval when the clock steps forward an hour', { timeout: 10_000 }, async () => {
    fakeWallClock();
    const { lines, nextLine, loss } = stepping();
    loss.lost('ECONNREFUSED', 1, 'refused.');
    stepWallClock(HOUR);
    const written = nextLine();
    loss.lost('ECONNREFUSED', 4, 'refused.');
    expect(lines).toHaveLength(1);
    await written; // and out at the end of the interval
    expect(lines[1]).toBe('xray: 4 more spans lost (ECONNREFUSED), 5 in all: refused.');
  });
});

describe('lossCause', () => {
  it('should name HTTP statuses, errnos (also on a cause) and timeouts', () => {
    expect(lossCause(Object.assign(new Error('x'), { code: 413 }))).toBe('HTTP 413');
    expect(lossCause(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(lossCause(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }))).toBe('ENOTFOUND');
    expect(lossCause(new Error('Request timed out'))).toBe('TIMEOUT');
    expect(lossCause(new Error('Concurrent export limit reached'))).toBe('CONCURRENCY_LIMIT');
    expect(lossCause(new Error('something else'))).toBe('ERROR');
    expect(lossCause('not an error')).toBe('ERROR');
  });
});
