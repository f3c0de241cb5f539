import { afterEach, describe, expect, it } from 'vitest';
import { fakeWallClock, HOUR, restoreWallClock, stepWallClock } from '../../../../test/helpers/wall-clock';
import { CONFIRM_MS, DeliveryLedger } from './delivery-ledger';

/** A LossSink that records losses and resolves `delivered` at the first delivery. */
function recordingSink() {
  const lost: { cause: string; count: number }[] = [];
  let confirm = (): void => undefined;
  const delivered = new Promise<void>((resolve) => (confirm = resolve));
  return { lost, delivered, sink: { lost: (cause: string, count: number) => void lost.push({ cause, count }), delivered: () => confirm() } };
}

/** One batch of `datagrams` datagrams carrying `spans` spans, all handed to the kernel without error. */
function sendClean(ledger: DeliveryLedger, datagrams: number, spans: number): void {
  const batch = ledger.begin();
  for (let i = 0; i < datagrams; i++) ledger.sent(batch, i === 0 ? spans : 0, 100);
  ledger.end(batch);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeliveryLedger', () => {
  afterEach(() => restoreWallClock());

  // Its times are monotonic. On the wall clock, a step forward confirmed at once every batch sent before it, so a
  // refusal that surfaced a moment later counted nothing for the batch it may have been about (and the real UDP case,
  // a step back holding the end of an outage back for as long, is in test/reliability/xray-faults.test.ts).
  it('should confirm a batch only CONFIRM_MS after it was sent, though the clock stepped forward an hour', { timeout: 10_000 }, async () => {
    fakeWallClock();
    const { lost, delivered, sink } = recordingSink();
    const ledger = new DeliveryLedger(sink, 'refused.');
    try {
      sendClean(ledger, 1, 1); // A
      await sleep(CONFIRM_MS / 2);
      sendClean(ledger, 2, 5); // B, half a confirmation window later
      stepWallClock(HOUR);
      await delivered; // A, confirmed on its own time
      ledger.refused('ECONNREFUSED'); // B is still within its window: the refusal may be about it
      expect(lost).toEqual([{ cause: 'ECONNREFUSED', count: 5 }]);
      expect(ledger.stats.datagramsFailed).toBe(2);
    } finally {
      ledger.close();
    }
  });
});
