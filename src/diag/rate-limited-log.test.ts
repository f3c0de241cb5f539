import { afterEach, describe, expect, it } from 'vitest';
import type { DiagLogger } from '@opentelemetry/api';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../../test/helpers/wall-clock';
import { RateLimitedLog } from './rate-limited-log';

function setup() {
  const lines: string[] = [];
  let now = 0;
  const logger = { warn: (message: string) => lines.push(message) } as unknown as DiagLogger;
  const log = new RateLimitedLog(logger, 30_000, () => now);
  return { lines, log, advance: (ms: number) => (now += ms) };
}

describe('RateLimitedLog', () => {
  it('should log the first occurrence, then at most once per interval with the count since', () => {
    const { lines, log, advance } = setup();
    log.warn('udp:ECONNREFUSED', 'refused');
    for (let i = 0; i < 5; i++) log.warn('udp:ECONNREFUSED', 'refused');
    expect(lines).toEqual(['refused']);
    advance(30_000);
    log.warn('udp:ECONNREFUSED', 'refused');
    expect(lines).toEqual(['refused', 'refused (5 more since the last report)']);
    advance(30_000);
    log.warn('udp:ECONNREFUSED', 'refused');
    expect(lines[2]).toBe('refused');
  });

  it('should limit each kind of problem separately', () => {
    const { lines, log } = setup();
    log.warn('udp:ECONNREFUSED', 'refused');
    log.warn('dropped', 'dropped 1');
    log.warn('dropped', 'dropped 2');
    expect(lines).toEqual(['refused', 'dropped 1']);
  });

  it('should survive a logger that throws', () => {
    const log = new RateLimitedLog({ warn: () => { throw new Error('broken'); } } as unknown as DiagLogger);
    expect(() => log.warn('k', 'm')).not.toThrow();
  });
});

// The default clock is monotonic (only Date is faked here). On the wall clock, a step back silenced a problem until
// the clock caught up, an hour here, and a step forward let its repeats through at once.
describe('RateLimitedLog when the wall clock steps', () => {
  afterEach(() => restoreWallClock());

  function stepping() {
    const lines: string[] = [];
    const logger = { warn: (message: string) => lines.push(message) } as unknown as DiagLogger;
    return { lines, log: new RateLimitedLog(logger, 300) };
  }

  it('should log again once the interval is over, though the clock stepped back an hour', async () => {
    fakeWallClock();
    const { lines, log } = stepping();
    log.warn('udp:ECONNREFUSED', 'refused');
    log.warn('udp:ECONNREFUSED', 'refused');
    stepWallClock(-HOUR);
    await new Promise((resolve) => setTimeout(resolve, 400));
    log.warn('udp:ECONNREFUSED', 'refused');
    expect(lines).toEqual(['refused', 'refused (1 more since the last report)']);
  });

  it('should still count repeats within the interval when the clock steps forward an hour', () => {
    fakeWallClock();
    const { lines, log } = stepping();
    log.warn('udp:ECONNREFUSED', 'refused');
    stepWallClock(HOUR);
    log.warn('udp:ECONNREFUSED', 'refused');
    expect(lines).toEqual(['refused']);
  });
});
