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

export class InFlight {
  private readonly items = new Set<Pending>();

  /** Tracks `item` until the returned function is called. */
  add(item: Pending): () => void {
    this.items.add(item);
    return () => this.items.delete(item);
  }

  unref(): void {
    for (const item of this.items) item.unref();
  }

  abort(error: Error): void {
    for (const item of [...this.items]) item.abort(error);
    this.items.clear();
  }
}

/**
 * Waits `ms`, tracked: resolves `true` after the wait, `false` at once if aborted. An unref'd wait that the process
 * outlives still resolves.
 */
export function pause(ms: number, inFlight: InFlight): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      untrack();
      resolve(true);
    }, ms);
    const untrack = inFlight.add({
      unref: () => timer.unref(),
      abort: () => {
        clearTimeout(timer);
        resolve(false);
      },
    });
  });
}
