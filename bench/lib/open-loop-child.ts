/**
 * The open-loop load generator's own process (bench/p99.ts starts it): GET argv's url at a constant rate on a fixed
 * timetable for warm-up + measured seconds, over keep-alive connections (at most `connections`, opened as needed, one
 * request in flight on each), and print one JSON result to stdout. Only requests *scheduled* in the measured window
 * are counted, each from its scheduled send time (bench/lib/open-loop.ts). The timer wakes at most once a millisecond
 * (setTimeout's granularity) and sends everything due, so requests leave in small bursts; that delay is counted as
 * latency, reported separately as the send lag, and is the same for every variant.
 *
 * Why not autocannon: its `overallRate` lets each connection send its share of a second as fast as it can and then
 * pauses until the next second (bursts, no timetable), measures from the actual send, and its correction
 * (`recordValueWithExpectedInterval(latency, Math.ceil(1 / rate))`) uses an interval of 1 ms whatever the rate.
 * Why not node:http's client: on this machine it cost ≈ 110 µs of CPU per request (an Agent with keep-alive, 3,000
 * req/s, load average 13), so the generator fell behind well below the rate; a precomputed request written to a
 * net.Socket and responses framed by Content-Length (autocannon's approach) cost a fraction of that.
 */
import { connect, type Socket } from 'node:net';
import { percentilesMs, ResponseFramer, ResponseRecorder, Timetable, type Percentiles } from './open-loop';

export interface OpenLoopOptions {
  url: string;
  rate: number;
  warmupS: number;
  durationS: number;
  connections: number;
  /** A request unanswered for longer has its connection closed and is counted as a timeout. */
  timeoutMs: number;
}

export interface OpenLoopResult {
  rate: number;
  /** Requests scheduled in the measured window, and how many of them got a 2xx answer. */
  scheduled: number;
  completed: number;
  /** Responses (2xx) that arrived inside the measured window, per second of it. */
  achievedRate: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  /** Measured requests that found every connection busy when due, so waited for one (included in their latency). */
  waitedForConnection: number;
  maxInFlight: number;
  connectionsOpened: number;
  /** From the scheduled send time, ms: the figures. */
  latency: Percentiles;
  /** From the moment the request went to the socket, ms: what a closed-loop tool would report. */
  service: Percentiles;
  /** Scheduled → sent, ms: the generator's own delay. */
  sendLag: Percentiles;
  /** The generator's CPU over the whole run, per wall second (1 = a full core). */
  generatorCpu: number;
}

interface Pending {
  scheduled: number;
  sent: number;
  measured: boolean;
}

interface Connection {
  socket: Socket;
  framer: ResponseFramer;
  current: Pending | undefined;
  timedOut: boolean;
}

export function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const { hostname, port, pathname, host } = new URL(o.url);
  const requestBytes = Buffer.from(`GET ${pathname} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`, 'latin1');
  const recorder = new ResponseRecorder();
  const total = Math.round(o.rate * (o.warmupS + o.durationS));
  const firstMeasured = Math.round(o.rate * o.warmupS);
  const timetable = new Timetable(o.rate, performance.now() + 20);
  const windowStart = timetable.scheduledAt(firstMeasured);
  const windowEnd = timetable.scheduledAt(total);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const free: Connection[] = []; // a stack: the most recently used connection goes first, as an Agent's 'lifo'
  const busy = new Set<Connection>();
  const waiting: Pending[] = [];
  let waitingHead = 0;
  let open = 0;
  let next = 0;
  let inFlight = 0;
  let inWindow = 0;
  const r = { completed: 0, errors: 0, non2xx: 0, timeouts: 0, waitedForConnection: 0, maxInFlight: 0, connectionsOpened: 0 };

  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(watchdog);
      for (const c of [...free, ...busy]) c.socket.destroy();
      const cpu = process.cpuUsage(cpuStart);
      resolve({
        rate: o.rate,
        scheduled: total - firstMeasured,
        ...r,
        achievedRate: inWindow / o.durationS,
        latency: percentilesMs(recorder.latency),
        service: percentilesMs(recorder.service),
        sendLag: percentilesMs(recorder.sendLag),
        generatorCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart),
      });
    };
    const settled = (): void => {
      inFlight--;
      if (next === total && inFlight === 0) finish();
    };

    const write = (c: Connection, p: Pending): void => {
      c.current = p;
      busy.add(c);
      p.sent = performance.now();
      c.socket.write(requestBytes);
    };
    const takeWaiting = (): Pending | undefined => {
      const p = waiting[waitingHead];
      if (p === undefined) return undefined;
      waiting[waitingHead++] = undefined as unknown as Pending;
      if (waitingHead === waiting.length) waiting.length = waitingHead = 0;
      return p;
    };
    const release = (c: Connection): void => {
      busy.delete(c);
      const p = takeWaiting();
      if (p === undefined) free.push(c);
      else write(c, p);
    };
    const failed = (c: Connection): void => {
      const p = c.current;
      c.current = undefined;
      if (p === undefined) return;
      if (p.measured && c.timedOut) r.timeouts++;
      else if (p.measured) r.errors++;
      settled();
    };

    const openConnection = (first: Pending): void => {
      open++;
      r.connectionsOpened++;
      const socket = connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      const c: Connection = { socket, framer: new ResponseFramer(), current: first, timedOut: false };
      busy.add(c);
      socket.once('connect', () => write(c, first));
      socket.on('data', (chunk: Buffer) => {
        let status: number | undefined;
        try {
          status = c.framer.push(chunk);
        } catch {
          socket.destroy();
          return;
        }
        if (status === undefined) return;
        const end = performance.now();
        const p = c.current;
        c.current = undefined;
        if (p !== undefined) {
          if (status >= 200 && status < 300) {
            if (end >= windowStart && end <= windowEnd) inWindow++;
            if (p.measured) {
              r.completed++;
              recorder.record(p.scheduled, p.sent, end);
            }
          } else if (p.measured) r.non2xx++;
          settled();
        }
        release(c);
      });
      socket.on('error', () => undefined); // 'close' follows
      socket.once('close', () => {
        open--;
        busy.delete(c);
        const at = free.indexOf(c);
        if (at >= 0) free.splice(at, 1);
        failed(c);
        // Requests queued for a connection must not wait for one that is gone.
        const p = takeWaiting();
        if (p !== undefined) openConnection(p);
      });
    };

    const dispatch = (p: Pending): void => {
      inFlight++;
      if (inFlight > r.maxInFlight) r.maxInFlight = inFlight;
      const c = free.pop();
      if (c !== undefined) write(c, p);
      else if (open < o.connections) openConnection(p);
      else {
        if (p.measured) r.waitedForConnection++;
        waiting.push(p);
      }
    };

    // Timeouts without a timer per request: twice a second, close the connections whose answer is overdue.
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of busy) {
        if (c.current !== undefined && now - (c.current.sent || c.current.scheduled) > o.timeoutMs) {
          c.timedOut = true;
          c.socket.destroy();
        }
      }
    }, 500);

    const tick = (): void => {
      const due = Math.min(timetable.dueBy(performance.now()), total);
      while (next < due) {
        dispatch({ scheduled: timetable.scheduledAt(next), sent: 0, measured: next >= firstMeasured });
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, timetable.scheduledAt(next) - performance.now()));
      else if (inFlight === 0) finish();
    };
    setTimeout(tick, 20);
  });
}

const [json] = process.argv.slice(2);
if (json) {
  const result = await runOpenLoop(JSON.parse(json) as OpenLoopOptions);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}
