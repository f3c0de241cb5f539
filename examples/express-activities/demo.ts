// `npm run demo`: the activities API with dualtrace pointed at local receivers (OTLP/HTTP and X-Ray UDP on free
// loopback ports; no AWS or Honeycomb account needed). Sends a few requests and prints, per trace, the W3C and X-Ray
// trace ids, the spans, and what each backend received. Exits 0 when every trace reached both backends.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { initTracing } from 'dualtrace';
import { OtlpSink } from '../../test/helpers/otlp-sink';
import { startUdpSink, type FlatSegment } from '../../test/helpers/udp-sink';
import { createApp } from './app.mjs';

// OTLP's enum values (opentelemetry-proto trace.proto): SPAN_KIND_SERVER = 2, STATUS_CODE_ERROR = 2.
const KIND: Record<number, string> = { 1: 'INTERNAL', 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };
const OTLP_SERVER = 2;
const OTLP_STATUS_ERROR = 2;
const DEMO_KEY = 'hcxik_demo0000000000000000000000000000000000000000000000000000000'.slice(0, 64);
const GITPOD_HOST = '4567-abc.ws-us89.gitpod.io';

const honeycomb = await new OtlpSink().start();
const xray = await startUdpSink();
const env = {
  ...process.env,
  HONEYCOMB_API_KEY: DEMO_KEY,
  HONEYCOMB_API_ENDPOINT: honeycomb.url,
  AWS_XRAY_DAEMON_ADDRESS: xray.daemonAddress,
  OTEL_BSP_SCHEDULE_DELAY: '100',
};

// The users service: its own process, its own initTracing, the same receivers.
const users = spawn(process.execPath, [new URL('./users-service.mjs', import.meta.url).pathname], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(users.stdout, 'data')) as [Buffer];
const usersPort = (JSON.parse(line.toString()) as { port: number }).port;

const tracing = initTracing({
  service: 'backend-flask',
  xrayUrl: `*${GITPOD_HOST}*`, // the Flask backend's AWS_XRAY_URL: segments are named after the matching Host
  honeycombKey: DEMO_KEY,
  honeycomb: { endpoint: honeycomb.url },
  xray: { daemonAddress: xray.daemonAddress },
  batch: { scheduledDelayMillis: 100 },
  flushOnExit: false,
});
const server = createApp({ usersUrl: `http://127.0.0.1:${usersPort}` }).listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;

const paths = ['/api/activities/home', '/api/activities/@Worf', '/api/activities/broken'];
const results: { path: string; status: number; traceId: string }[] = [];
for (const path of paths) {
  const status = await get(port, path);
  // The response does not carry the trace id; find the SERVER span for this path in what Honeycomb received.
  await tracing.forceFlush();
  const isThis = (s: (typeof honeycomb.spans)[number]) => s.kind === OTLP_SERVER && s.attributes['url.path'] === path;
  const span = (await honeycomb.waitFor((spans) => spans.some(isThis))).find(isThis)!;
  results.push({ path, status, traceId: span.traceId });
}

// Wait until every span of each trace has arrived in both backends (the users service flushes on its own schedule):
// home = SERVER + the hand-made span; @Worf = SERVER + fetch CLIENT + the users service's SERVER; broken = SERVER.
const SPANS_PER_TRACE = [2, 3, 1];
const expected = (traceId: string) => SPANS_PER_TRACE[results.findIndex((r) => r.traceId === traceId)]!;
await honeycomb.waitFor((spans) => results.every((r) => spans.filter((s) => s.traceId === r.traceId).length >= expected(r.traceId)), 10_000);
await xray.waitFor(() => results.every((r) => xray.segmentsFlat().filter((s) => s.traceId === toXRay(r.traceId)).length >= expected(r.traceId)), 10_000);

let ok = true;
for (const r of results) {
  const spans = honeycomb.spans.filter((s) => s.traceId === r.traceId).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
  const docs = xray.segmentsFlat().filter((s) => s.traceId === toXRay(r.traceId));
  ok &&= spans.length === docs.length && spans.length > 0;
  console.log(`\nGET ${r.path} → ${r.status}`);
  console.log(`  W3C trace id    ${r.traceId}`);
  console.log(`  X-Ray trace id  ${toXRay(r.traceId)}   (first 8 hex digits = ${new Date(parseInt(r.traceId.slice(0, 8), 16) * 1000).toISOString()})`);
  console.log(`  Honeycomb received ${spans.length} span(s):`);
  for (const s of spans) {
    const ms = Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
    const status = s.status.code === OTLP_STATUS_ERROR ? ' ERROR' : '';
    console.log(`    ${pad(String(s.resource['service.name']), 15)} ${pad(KIND[s.kind] ?? '?', 8)} ${pad(s.name, 34)} ${ms.toFixed(1).padStart(6)} ms  span ${s.spanId}${s.parentSpanId ? ` ← ${s.parentSpanId}` : ''}${status}`);
  }
  console.log(`  X-Ray received ${docs.length} (sub)segment(s):`);
  for (const d of docs) console.log(`    ${describe(d)}`);
}

await tracing.shutdown();
users.kill('SIGTERM');
await once(users, 'exit');
server.close();
await honeycomb.close();
await xray.close();
console.log(ok ? '\nEvery trace reached both backends.' : '\nSome spans did not reach both backends.');
process.exitCode = ok ? 0 : 1;

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

function toXRay(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

function describe(s: FlatSegment): string {
  const d = s.doc as { name: string; type?: string; namespace?: string; http?: { response?: { status?: number } }; fault?: boolean; error?: boolean };
  const kind = s.nested ? 'nested subsegment' : d.type === 'subsegment' ? 'subsegment' : 'segment';
  const flags = [d.fault && 'fault', d.error && 'error'].filter(Boolean).join(',');
  const status = d.http?.response?.status;
  return `${pad(kind, 18)} ${pad(JSON.stringify(d.name), 34)} id ${s.id}${s.parentId ? ` ← ${s.parentId}` : ''}${status ? `  http ${status}` : ''}${d.namespace ? `  namespace ${d.namespace}` : ''}${flags ? `  ${flags}` : ''}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
