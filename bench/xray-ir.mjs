/**
 * The X-Ray export path alone, for instruction counts: the same 100-span batch exported `batches` times through a
 * public XRayDaemonExporter (translate + pack + serialise + send to a UDP socket in this process), `forceFlush()`
 * after each. Nothing of span creation, sampling or the batch processor. Run it twice under cachegrind with two batch
 * counts and divide the difference by the traces exported in between (bench/notes.md, "The X-Ray export path after
 * the fidelity fixes"):
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node --predictable --predictable-gc-schedule --random-seed=1 --hash-seed=1 bench/xray-ir.mjs <dist> <shape> <batches>
 *
 * <dist>: the built package's directory (./dist, or another checkout's, to compare sources); <shape>: `lone` (100 lone
 * SERVER spans) or `trace` (25 request traces of SERVER + HTTP CLIENT + DB CLIENT + INTERNAL). Prints the datagrams
 * the socket received, so a run that lost some shows it.
 */
import { createSocket } from 'node:dgram';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [dist = './dist', shape = 'lone', batches = '400'] = process.argv.slice(2);
const { XRayDaemonExporter } = await import(pathToFileURL(resolve(dist, 'index.js')).href);

const sink = createSocket('udp4');
let received = 0;
sink.on('message', () => void received++);
await new Promise((done) => sink.bind(0, '127.0.0.1', done));

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'activities-express' })),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('bench');
const serverAttributes = {
  'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/api/activities/home', 'server.address': '127.0.0.1',
  'server.port': 39999, 'client.address': '127.0.0.1', 'network.peer.address': '127.0.0.1', 'network.peer.port': 51234,
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench', 'network.protocol.version': '1.1',
};
function request(withChildren) {
  const server = tracer.startSpan('GET /api/activities/home', { kind: SpanKind.SERVER, attributes: serverAttributes });
  if (withChildren) {
    const inServer = trace.setSpan(ROOT_CONTEXT, server);
    const http = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'url.full': 'https://api.example.com/v1/users/42?expand=profile', 'server.address': 'api.example.com', 'http.response.status_code': 200 } }, inServer);
    http.end();
    const db = tracer.startSpan('SELECT activities', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.name': 'cruddur', 'db.statement': 'SELECT * FROM activities WHERE expires_at > now() ORDER BY created_at DESC LIMIT $1', 'server.address': 'db.internal', 'server.port': 5432 } }, inServer);
    db.end();
    const internal = tracer.startSpan('render', { kind: SpanKind.INTERNAL, attributes: { 'app.items': 3 } }, inServer);
    internal.end();
  }
  server.setAttribute('http.route', '/api/activities/home');
  server.setAttribute('http.response.status_code', 200);
  server.end();
}
const traces = shape === 'trace' ? 25 : 100;
for (let i = 0; i < traces; i++) request(shape === 'trace');
const spans = memory.getFinishedSpans();

const exporter = new XRayDaemonExporter({ daemonAddress: `127.0.0.1:${sink.address().port}` });
for (let i = 0; i < Number(batches); i++) {
  await new Promise((done) => exporter.export(spans, done));
  await exporter.forceFlush();
}
await new Promise((done) => setTimeout(done, 200));
process.stdout.write(`${shape}: ${batches} batches of ${spans.length} spans, ${received} datagrams received\n`);
await exporter.shutdown();
sink.close();
