import { logger } from '../diag/logger';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. The timer is unref'd, so it
 * never keeps the process alive on its own; `atBound` runs when the bound is hit, to let go of what is still in flight
 * (requests hold the process while they run, so an exit-time flush can deliver, but not past the bound).
 */
export function settleWithin(promise: Promise<unknown>, ms: number, what: string, atBound?: () => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger().warn(`${what} did not finish within ${ms} ms; going on without it.`);
      try {
        atBound?.();
      } catch {
        // Letting go must not turn into a failure of the flush itself.
      }
      resolve();
    }, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger().warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        resolve();
      },
    );
  });
}

export interface ExitHooks {
  /** Flush everything pending (bounded). */
  flush(): Promise<void>;
  /** Flush and stop (bounded, idempotent). */
  shutdown(): Promise<void>;
  /** True when spans have ended since the last flush; keeps `beforeExit` from looping. */
  hasUnflushedSpans(): boolean;
}

/**
 * Flushes on SIGTERM, SIGINT and `beforeExit` without changing how the process exits:
 * - if the app has its own listener for the signal, the app decides when to exit; dualtrace only flushes;
 * - if dualtrace's listener is the only one, it shuts down (bounded) and re-raises the signal, so the process ends
 *   exactly as it would have without dualtrace (killed by that signal);
 * - `beforeExit` flushes only when spans ended since the last flush, so it cannot keep the loop alive.
 *
 * @returns a function that removes the listeners
 */
export function installExitHooks(hooks: ExitHooks): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) {
      void hooks.flush();
      return;
    }
    remove();
    void hooks.shutdown().finally(() => {
      // With our listener gone, the default action applies: the process ends by this signal.
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => {
    if (hooks.hasUnflushedSpans()) void hooks.flush();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);

  function remove(): void {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return remove;
}
