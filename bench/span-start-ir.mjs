/**
 * What a SERVER span costs to start and end through OpenTelemetry's SDK, against the same span kept in a minimal
 * object of dualtrace's own: the floor under any tracer built on the SDK's `Tracer`, for instruction counts. Run it
 * twice under cachegrind with two span counts and divide the difference by the spans in between (bench/notes.md,
 * "What the SDK's span start costs"):
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node --predictable --random-seed=1 --hash-seed=1 bench/span-start-ir.mjs <mode> <spans>
 *
 * Modes, each with the ten start attributes dualtrace's Node adapters give a request (bench/xray-ir.mjs's shape), one
 * AsyncLocalStorage context manager, an always-on sampler, the same id generator and a span processor that reads one
 * attribute at the end:
 *   sdk        `tracer.startSpan(name, { kind, attributes })`, then `end()`: what dualtrace and the reference pay today
 *   sdk-after  `tracer.startSpan(name, { kind })`, `setAttributes(attributes)`, `end()`: the sampler would not see
 *              them, but the SDK's two `sanitizeAttributes` copies are gone
 *   own        a plain object with the ReadableSpan fields the exporters read, ids and times from the same sources,
 *              the attributes object taken as is, the processor's onStart/onEnd called: no validation, no limits, no
 *              SDK metrics (a bound, not a span class one could ship as is)
 *   none       the loop alone
 */
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, SpanKind } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const [mode = 'sdk', count = '100000'] = process.argv.slice(2);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

let sink = 0;
const processor = {
  onStart() {},
  onEnd(span) { sink += span.attributes['http.request.method'].length; },
  forceFlush: async () => {},
  shutdown: async () => {},
};
// Ids as dualtrace's generator makes them: random bytes through one Buffer's hex encoding.
const bytes = Buffer.alloc(16);
const traceId = () => { for (let k = 0; k < 16; k++) bytes[k] = (Math.random() * 256) | 0; return bytes.toString('hex'); };
const spanId = () => { for (let k = 0; k < 8; k++) bytes[k] = (Math.random() * 256) | 0; return bytes.toString('hex', 0, 8); };
const provider = new BasicTracerProvider({
  sampler: new AlwaysOnSampler(),
  spanProcessors: [processor],
  idGenerator: { generateTraceId: traceId, generateSpanId: spanId },
});
const tracer = provider.getTracer('dualtrace/http', '0.0.0');

let i = 0;
const attributes = () => ({
  'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/api/activities/home', 'server.address': '127.0.0.1',
  'server.port': 4567 + (i & 1), 'client.address': '127.0.0.1', 'network.peer.address': '127.0.0.1',
  'network.peer.port': 50000 + (i & 7), 'user_agent.original': 'bench', 'network.protocol.version': '1.1',
});

class OwnSpan {
  constructor(name, attrs) {
    this.name = name;
    this.kind = SpanKind.SERVER;
    this.attributes = attrs;
    this.parentSpanContext = undefined;
    this.ctx = { traceId: traceId(), spanId: spanId(), traceFlags: 1 };
    this.startTime = hrTime();
    this.endTime = [0, 0];
    this.events = [];
    this.links = [];
    this.status = { code: 0 };
    this.ended = false;
    processor.onStart(this, undefined);
  }
  spanContext() { return this.ctx; }
  end() { this.endTime = hrTime(); this.ended = true; processor.onEnd(this); }
}

function once() {
  i++;
  if (mode === 'sdk') tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: attributes() }).end();
  else if (mode === 'sdk-after') {
    const span = tracer.startSpan('GET', { kind: SpanKind.SERVER });
    span.setAttributes(attributes());
    span.end();
  } else if (mode === 'own') new OwnSpan('GET', attributes()).end();
  else if (mode === 'none') sink++;
  else throw new Error(`unknown mode ${mode}: sdk, sdk-after, own or none`);
}
for (let n = Number(count); n > 0; n--) once();
if (sink === -1) console.log(sink);
