// What one `process.nextTick` costs with and without an enabled AsyncLocalStorage: plain Node, no dependency.
//
//   node bench/repro/nexttick-als.mjs [plain|als] [rounds] [mixed]          ns per tick (best round)
//   valgrind --tool=callgrind --dump-before=uv_loadavg node --predictable bench/repro/nexttick-als.mjs als 20 mixed
//       instructions: part 2 of the callgrind output is exactly `rounds` × 1,000 ticks (queued and run)
//
// `mixed`: the warm-up also creates the other async resources a server creates (timers, immediates, promises), as
// any real process does, so the store in AsyncLocalStorage's hook sees many object shapes.
//
// On Node 20 (and 22 without --experimental-async-context-frame) AsyncLocalStorage is built on async_hooks: once a
// store is enabled, every tick object runs the `init` hook, which copies the store onto the tick (a megamorphic keyed
// store of a per-instance symbol). From Node 24, AsyncLocalStorage uses AsyncContextFrame and ticks pay nothing.
import { AsyncLocalStorage } from 'node:async_hooks';
import { loadavg } from 'node:os';

const mode = process.argv[2] ?? 'als';
const rounds = Number(process.argv[3] ?? 200);
const TICKS = 1000;
const als = mode === 'als' ? new AsyncLocalStorage() : undefined;
const mixed = process.argv[4] === 'mixed';
const noop = () => {};

/** Queues TICKS no-op ticks (inside a store when `als`), then waits until they have all run. */
function round(store) {
  return new Promise((resolve) => {
    const queue = () => {
      for (let i = 0; i < TICKS; i++) process.nextTick(noop);
      if (mixed && warming) {
        setTimeout(noop, 1).unref();
        setImmediate(noop);
        void Promise.resolve().then(noop);
      }
      setImmediate(resolve);
    };
    if (als) als.run(store, queue);
    else queue();
  });
}

let warming = true;
for (let i = 0; i < 50; i++) await round({ i }); // warm-up: every function involved reaches its optimised tier
warming = false;
loadavg(); // callgrind mark: the counts so far (start-up and warm-up) go to part 1
let best = Infinity;
for (let i = 0; i < rounds; i++) {
  const t0 = process.hrtime.bigint();
  await round({ i });
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / TICKS);
}
loadavg(); // callgrind mark: part 2 is the measured rounds
console.log(`${process.version} ${mode}: ${best.toFixed(0)} ns per tick (best of ${rounds} rounds of ${TICKS})`);
