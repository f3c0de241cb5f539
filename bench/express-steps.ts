/**
 * Where dualtrace's per-request cost in Express comes from, step by step, in-process: Express 5 driven by
 * light-my-request (no sockets, no load generator), so the host's noise is smaller than in request-overhead.ts.
 * Each step runs in its own process (AsyncLocalStorage, once on, stays on), interleaved over several rounds; the
 * minimum CPU µs per request of each step is reported (the least disturbed run), with every run for the spread.
 *
 * Steps (each includes the one before it, except `context`, which has no tracer at all):
 *   untraced  the app alone
 *   context   AsyncLocalStorage context manager + `context.with` around `next` (what any context-propagating tracer pays)
 *   span      initTracing (exporters off) + a SERVER span with two attributes, ended on `finish`, NOT made active
 *   active    the same span made active with `context.with` around `next`
 *   extract   + dualtrace's propagator extracting from the request headers
 *   attrs     + dualtrace's full request attributes
 *   adapter   dualtrace/express's `tracing()` itself (built package)
 *
 * Run: npm run build && node --import tsx bench/express-steps.ts   (env: STEPS=a,b  ROUNDS=5  N=8000)
 * Figures from one run are in bench/notes.md ("Where the extra CPU goes").
 */
import { execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as api from '@opentelemetry/api';
import express from 'express';
import inject from 'light-my-request';

const STEPS = ['untraced', 'context', 'span', 'active', 'extract', 'attrs', 'adapter'] as const;
type Step = (typeof STEPS)[number];
type Next = () => void;

async function measure(step: Step, requests: number): Promise<number> {
  if (step === 'context') {
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  } else if (step !== 'untraced') {
    const { initTracing } = await import('dualtrace');
    initTracing({ service: 'express-steps', honeycomb: { enabled: false }, xray: { enabled: false }, flushOnExit: false, logLevel: 'none' });
  }
  const app = express();
  const tracer = api.trace.getTracer('express-steps');
  if (step === 'context') {
    const key = api.createContextKey('express-steps');
    app.use((_req: IncomingMessage, _res: ServerResponse, next: Next) => api.context.with(api.ROOT_CONTEXT.setValue(key, 1), next));
  } else if (step === 'adapter') {
    const { tracing } = await import('dualtrace/express');
    app.use(tracing());
  } else if (step !== 'untraced') {
    const { nodeRequestAttributes } = await import('../src/adapters/shared/request-attributes');
    const { splitTarget } = await import('../src/http/url');
    app.use((req: IncomingMessage, res: ServerResponse, next: Next) => {
      const active = api.context.active();
      const parent = step === 'extract' || step === 'attrs' ? api.propagation.extract(active, req.headers) : active;
      const attributes = step === 'attrs' ? nodeRequestAttributes(req, 'GET', splitTarget(req.url ?? '/'), []) : { 'http.request.method': 'GET', 'url.path': req.url };
      const span = tracer.startSpan('GET', { kind: api.SpanKind.SERVER, attributes }, parent);
      res.on('finish', () => span.end());
      if (step === 'span') next();
      else api.context.with(api.trace.setSpan(parent, span), next);
    });
  }
  app.get('/api/activities/home', (_req, res) => {
    res.json([{ handle: 'Andrew Brown', message: 'Cloud is very fun!', created_at: new Date().toISOString() }]);
  });
  const run = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await inject(app, { method: 'GET', url: '/api/activities/home' });
  };
  await run(3_000); // warm-up
  const before = process.cpuUsage();
  await run(requests);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

const child = process.env.EXPRESS_STEP as Step | undefined;
if (child !== undefined) {
  process.stdout.write(`${await measure(child, Number(process.env.N ?? 8_000))}\n`);
} else {
  const steps = (process.env.STEPS?.split(',') ?? STEPS).filter((s): s is Step => (STEPS as readonly string[]).includes(s));
  const rounds = Number(process.env.ROUNDS ?? 5);
  const runs = new Map<Step, number[]>(steps.map((s) => [s, []]));
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < rounds; round++) {
    for (const step of steps) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self], { env: { ...process.env, EXPRESS_STEP: step }, encoding: 'utf8' });
      runs.get(step)?.push(Number(out.trim()));
    }
  }
  const base = Math.min(...(runs.get('untraced') ?? [Number.NaN]));
  for (const [step, values] of runs) {
    const least = Math.min(...values);
    const over = Number.isNaN(base) ? '' : `  (+${(least - base).toFixed(0)} over untraced)`;
    process.stdout.write(`${step.padEnd(9)} min ${least.toFixed(0)} µs/request${over}   runs ${values.map((v) => v.toFixed(0)).join(' ')}\n`);
  }
}
