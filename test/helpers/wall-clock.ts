/**
 * A wall clock that a test can step, as NTP, a VM resume or a user does: only `Date` is faked (it keeps moving with
 * real time), so timers, `performance.now()` and sockets stay real.
 *
 * @example
 * afterEach(() => restoreWallClock());
 * it('…', async () => {
 *   fakeWallClock();
 *   sink.respond = () => { stepWallClock(-HOUR); return 'hang'; };
 *   …
 * });
 */
import { vi } from 'vitest';

export const HOUR = 3_600_000;

/** From now on `Date` is a fake that moves with real time until stepped. Undo with {@link restoreWallClock}. */
export function fakeWallClock(): void {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
}

/** Steps the wall clock by `ms` (negative: back), at once. */
export function stepWallClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

export function restoreWallClock(): void {
  vi.useRealTimers();
}
