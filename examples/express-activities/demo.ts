// `npm run demo`: the activities API with dualtrace pointed at `dualtrace dev`, the local viewer (an OTLP/HTTP
// receiver and an X-Ray daemon stand-in on free loopback ports; no AWS or Honeycomb account needed). Sends a few
// requests and prints, per trace, the W3C and X-Ray trace ids, the spans, and what each backend received.
// Exits 0 when every trace reached both backends.
//   npm run demo -- --keep   leave the viewer (and the API) running, and print their URLs; Ctrl-C stops
//   npm run demo -- --open   the same, and open the viewer in the system's browser
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { initTracing } from 'dualtrace';
import { startDevServer } from '../../src/dev/server/dev-server';
import type { OtlpSpan } from '../../src/dev/otlp/types';
import type { StoredSpan } from '../../src/dev/store/trace-store';
import { createApp } from './app.mjs';

// OTLP's enum values (opentelemetry-proto trace.proto): SPAN_KIND_SERVER = 2, STATUS_CODE_ERROR = 2.
const KIND: Record<number, string> = { 1: 'INTERNAL', 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };
const OTLP_SERVER = 2;
const OTLP_STATUS_ERROR = 2;
const DEMO_KEY = 'hcxik_demo0000000000000000000000000000000000000000000000000000000'.slice(0, 64);
const GITPOD_HOST = '4567-abc.ws-us89.gitpod.io';

const { values: flags } = parseArgs({ options: { keep: { type: 'boolean' }, open: { type: 'boolean' } } });
const keep = flags.keep === true || flags.open === true;

const dev = await startDevServer({ otlpPort: 0, xrayPort: 0, uiPort: 0 });
const env = {
  ...process.env,
  DUALTRACE_DEV: '1', // the dev switch; the ports are free ones here, so the endpoints are given too
  HONEYCOMB_API_KEY: DEMO_KEY,
  HONEYCOMB_API_ENDPOINT: dev.urls.otlp,
  AWS_XRAY_DAEMON_ADDRESS: dev.urls.daemonAddress,
  DUALTRACE_XRAY_SAMPLING: 'all',
};

// The users service: its own process, its own initTracing, the same receivers.
const users = spawn(process.execPath, [new URL('./users-service.mjs', import.meta.url).pathname], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(users.stdout, 'data')) as [Buffer];
const usersPort = (JSON.parse(line.toString()) as { port: number }).port;

const tracing = initTracing({
  service: 'backend-flask',
  xrayUrl: `*${GITPOD_HOST}*`, // the Flask backend's AWS_XRAY_URL: segments are named after the matching Host
  honeycombKey: DEMO_KEY,
  dev: true,
  honeycomb: { endpoint: dev.urls.otlp },
  // The demo shows every trace, from the first request on: X-Ray keeps them all (no wait for sampling rules).
  xray: { daemonAddress: dev.urls.daemonAddress, sampling: 'all' },
  flushOnExit: false,
  // Adapters only: the app's `tracing()` middleware traces its requests (dualtrace dev's receivers and UI, servers in
  // this process too, are never traced).
  instrumentation: { server: false },
});
const server = createApp({ usersUrl: `http://127.0.0.1:${usersPort}` }).listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;

const spansOf = (traceId: string): StoredSpan[] => [...(dev.store.get(traceId)?.spans.values() ?? [])];
const docsOf = (traceId: string): FlatDocument[] => flatDocuments(dev.store.get(traceId)?.datagrams.map((d) => d.datagram.document) ?? []);

const paths = ['/api/activities/home', '/api/activities/@Worf', '/api/activities/broken'];
const results: { path: string; status: number; traceId: string }[] = [];
for (const path of paths) {
  const status = await get(port, path);
  // The response does not carry the trace id; find the SERVER span for this path in what the OTLP side received.
  await tracing.forceFlush();
  const isThis = (s: StoredSpan) => s.span.kind === OTLP_SERVER && attribute(s.span, 'url.path') === path;
  await waitFor(() => dev.store.entries().some((e) => [...e.spans.values()].some(isThis)));
  const entry = dev.store.entries().find((e) => [...e.spans.values()].some(isThis))!;
  results.push({ path, status, traceId: entry.traceId });
}

// Wait until every span of each trace has arrived in both backends (the users service flushes on its own schedule):
// home = SERVER + the hand-made span; @Worf = SERVER + fetch CLIENT + the users service's SERVER; broken = SERVER.
const SPANS_PER_TRACE = [2, 3, 1];
await waitFor(() => results.every((r, i) => spansOf(r.traceId).length >= SPANS_PER_TRACE[i]! && docsOf(r.traceId).length >= SPANS_PER_TRACE[i]!), 10_000);

let ok = true;
for (const r of results) {
  const spans = spansOf(r.traceId).sort((a, b) => (BigInt(a.span.startTimeUnixNano) < BigInt(b.span.startTimeUnixNano) ? -1 : 1));
  const docs = docsOf(r.traceId);
  ok &&= spans.length === docs.length && spans.length > 0;
  console.log(`\nGET ${r.path} → ${r.status}`);
  console.log(`  W3C trace id    ${r.traceId}`);
  console.log(`  X-Ray trace id  ${toXRay(r.traceId)}   (first 8 hex digits = ${new Date(parseInt(r.traceId.slice(0, 8), 16) * 1000).toISOString()})`);
  console.log(`  Honeycomb received ${spans.length} span(s):`);
  for (const { span, resource } of spans) {
    const ms = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
    const status = span.status.code === OTLP_STATUS_ERROR ? ' ERROR' : '';
    const service = resource.attributes.find((a) => a.key === 'service.name');
    const name = service && 'stringValue' in service.value ? service.value.stringValue : '?';
    console.log(`    ${pad(name, 15)} ${pad(KIND[span.kind] ?? '?', 8)} ${pad(span.name, 34)} ${ms.toFixed(1).padStart(6)} ms  span ${span.spanId}${span.parentSpanId ? ` ← ${span.parentSpanId}` : ''}${status}`);
  }
  console.log(`  X-Ray received ${docs.length} (sub)segment(s):`);
  for (const d of docs) console.log(`    ${describe(d)}`);
  console.log(`  In the viewer: ${dev.urls.ui}/traces/${r.traceId}`);
}
console.log(ok ? '\nEvery trace reached both backends.' : '\nSome spans did not reach both backends.');
process.exitCode = ok ? 0 : 1;

if (keep) {
  console.log(`\nThe viewer stays open at ${dev.urls.ui}`);
  console.log(`and the API at http://127.0.0.1:${port}/api/activities/home (send it requests: they show up live). Ctrl-C stops.`);
  if (flags.open) openBrowser(dev.urls.ui);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

await tracing.shutdown();
users.kill('SIGTERM');
await once(users, 'exit');
server.close();
await dev.close();

function get(port: number, path: string): Promise<number> {
  // The demo's own requests are not traced (suppressTracing): the traces start at the API, as with a real browser.
  return context.with(suppressTracing(context.active()), () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { host: GITPOD_HOST, 'user-agent': 'dualtrace-demo' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    }),
  );
}

/** Resolves once `done()` holds, checked on every change the viewer's store reports; rejects after `timeoutMs`. */
function waitFor(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`demo: the spans did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = dev.store.onChange(() => {
      if (!done()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function attribute(span: OtlpSpan, key: string): string | undefined {
  const kv = span.attributes.find((a) => a.key === key);
  return kv && 'stringValue' in kv.value ? kv.value.stringValue : undefined;
}

interface FlatDocument {
  doc: Record<string, unknown>;
  parentId: string | undefined;
  nested: boolean;
}

/** Every document and the subsegments nested in it, in arrival order. */
function flatDocuments(documents: readonly (Record<string, unknown> | undefined)[]): FlatDocument[] {
  const out: FlatDocument[] = [];
  const walk = (doc: Record<string, unknown>, parentId: string | undefined, nested: boolean): void => {
    out.push({ doc, parentId, nested });
    for (const child of (doc.subsegments as Record<string, unknown>[] | undefined) ?? []) walk(child, doc.id as string, true);
  };
  for (const doc of documents) if (doc) walk(doc, doc.parent_id as string | undefined, false);
  return out;
}

function toXRay(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

function describe({ doc, parentId, nested }: FlatDocument): string {
  const d = doc as { id: string; name: string; type?: string; namespace?: string; http?: { response?: { status?: number } }; fault?: boolean; error?: boolean };
  const kind = nested ? 'nested subsegment' : d.type === 'subsegment' ? 'subsegment' : 'segment';
  const flags = [d.fault && 'fault', d.error && 'error'].filter(Boolean).join(',');
  const status = d.http?.response?.status;
  return `${pad(kind, 18)} ${pad(JSON.stringify(d.name), 34)} id ${d.id}${parentId ? ` ← ${parentId}` : ''}${status ? `  http ${status}` : ''}${d.namespace ? `  namespace ${d.namespace}` : ''}${flags ? `  ${flags}` : ''}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`(could not start ${command}; open the URL above yourself)`));
  child.unref();
}
