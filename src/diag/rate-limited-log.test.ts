import { describe, expect, it } from 'vitest';
import type { DiagLogger } from '@opentelemetry/api';
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
