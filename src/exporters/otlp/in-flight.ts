/**
 * What an exporter has under way (requests, waits between retries), so that the owner of the process's exit can let
 * go of it at a bound: `unref()` stops it holding the event loop (it may still finish if the process lives on), and
 * `abort()` ends it now. Nothing in here is unref'd before that: an exit-time flush must keep the process alive long
 * enough to deliver, and only the bound (`shutdownTimeoutMillis`) decides when it stops trying.
 */
export interface Pending {
  unref(): void;
  abort(error: Error): void;
}

/** Where an export registers what it starts; the returned function stops tracking it. */
export interface Tracker {
  add(item: Pending): () => void;
}

/** One export's tracker: `close()` it when the export ends. */
export interface ExportTracker extends Tracker {
  close(): void;
}

interface ExportState {
  released: boolean;
}

export class InFlight implements Tracker {
  private readonly items = new Set<Pending>();
  private readonly exports = new Set<ExportState>();
  private aborted: Error | undefined;

  /** Tracks `item` until the returned function is called. After `abort()`, aborts it at once instead. */
  add(item: Pending): () => void {
    return this.track(item, undefined);
  }

  /**
   * A tracker for one export. An export that was let go of stays let go of: the retry, the wait before it and the
   * next request of a split batch, all started after `unref()`, are unref'd as they start, so an export under way at
   * an exit bound cannot hold the process again later. Exports begun after `unref()` hold it as usual.
   */
  forExport(): ExportTracker {
    const state: ExportState = { released: false };
    this.exports.add(state);
    return { add: (item) => this.track(item, state), close: () => this.exports.delete(state) };
  }

  unref(): void {
    for (const state of this.exports) state.released = true;
    for (const item of this.items) item.unref();
  }

  /** Ends everything tracked, and everything added later (the exporter is closed for good). */
  abort(error: Error): void {
    this.aborted ??= error;
    for (const item of [...this.items]) item.abort(error);
    this.items.clear();
  }

  private track(item: Pending, state: ExportState | undefined): () => void {
    if (this.aborted !== undefined) {
      item.abort(this.aborted);
      return () => undefined;
    }
    this.items.add(item);
    if (state?.released) item.unref();
    return () => this.items.delete(item);
  }
}

/**
 * Waits `ms`, tracked: resolves `true` after the wait, `false` at once if aborted. An unref'd wait that the process
 * outlives still resolves.
 */
export function pause(ms: number, tracker: Tracker): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      untrack();
      resolve(true);
    }, ms);
    const untrack = tracker.add({
      unref: () => timer.unref(),
      abort: () => {
        clearTimeout(timer);
        resolve(false);
      },
    });
  });
}

/**
 * `promise`, or a rejection with `late()` at `deadline` (a `performance.now()` time), for work the exporter cannot
 * cancel itself (a signature that waits on a credential lookup). Tracked like a request: unref'd at a bound, rejected
 * with the abort's error when aborted. What `promise` settles to after that is ignored.
 */
export function settleBy<T>(promise: Promise<T>, deadline: number, tracker: Tracker, late: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    let untrack = (): void => undefined; // until tracked: an abort while being added settles before that
    const timer = setTimeout(() => {
      untrack();
      reject(late());
    }, Math.max(0, deadline - performance.now()));
    const settle = (): void => {
      clearTimeout(timer);
      untrack();
    };
    untrack = tracker.add({
      unref: () => timer.unref(),
      abort: (error) => {
        settle();
        reject(error);
      },
    });
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
