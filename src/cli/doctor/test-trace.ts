import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { formatEndpoint } from '../../config/daemon-address';
import type { ResolvedConfig } from '../../config/types';
import { describeHoneycombError } from '../../exporters/honeycomb/describe-error';
import { TraceRequestEncoder } from '../../exporters/otlp';
import { DaemonExporter } from '../../exporters/xray';
import { describeXRayOtlpError } from '../../exporters/xray/otlp/describe-error';
import { createXRayOtlpExporter } from '../../exporters/xray/otlp/xray-otlp-exporter';
import { DualtraceIdGenerator } from '../../provider/id-generator';
import { createResource } from '../../provider/resource';
import { VERSION } from '../../version';
import { NoAnswer, request } from './http';
import type { CheckResult } from './types';

/**
 * How long to listen for the daemon host's ICMP "port unreachable" after the test segment went out: on a connected
 * UDP socket it comes back as ECONNREFUSED within milliseconds on a LAN. A host that sends no ICMP cannot be told from
 * a daemon that took the segment: UDP has no acknowledgement.
 */
const REFUSAL_WINDOW_MS = 300;

export interface TestTrace {
  readonly traceId: string;
  readonly spanId: string;
  readonly honeycomb: CheckResult;
  readonly xray: CheckResult;
}

/**
 * One span, named `dualtrace doctor`, made by the same resource and id generator as the app's spans and sent to each
 * backend that is on, through the same encoder (Honeycomb) and the same translator, packer and UDP sender (X-Ray).
 */
export async function sendTestTrace(config: ResolvedConfig, timeoutMs: number, skipHoneycomb?: string): Promise<TestTrace> {
  const span = makeSpan(config);
  const ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  if (config.collector.enabled) {
    // One OTLP stream to the Collector, which sends on to both backends.
    const collector = await postOtlp('collector export', config.collector.url, config.collector.headers, span, timeoutMs, (status) => `HTTP ${status} from the Collector`);
    return { ...ids, honeycomb: collector, xray: await skipped('xray export', 'the Collector sends to X-Ray (collector mode)') };
  }
  const honeycombSkipped = !config.honeycomb.enabled ? 'Honeycomb export is off' : skipHoneycomb === undefined ? undefined : `not sent: ${skipHoneycomb}`;
  const xrayName = config.xray.transport === 'otlp' ? 'xray otlp export' : 'xray daemon';
  const [honeycomb, xray] = await Promise.all([
    honeycombSkipped === undefined
      ? postOtlp('honeycomb export', config.honeycomb.url, config.honeycomb.headers, span, timeoutMs, (status) => describeHoneycombError({ code: status }))
      : skipped('honeycomb export', honeycombSkipped),
    !config.xray.enabled ? skipped(xrayName, 'X-Ray export is off') : config.xray.otlp !== undefined ? sendToXRayOtlp(config, span) : sendToXRay(config, span),
  ]);
  return { ...ids, honeycomb, xray };
}

function makeSpan(config: ResolvedConfig): ReadableSpan {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart: () => {},
    onEnd: (span) => void ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ resource: createResource(config), idGenerator: new DualtraceIdGenerator(), spanProcessors: [collect] });
  const span = provider.getTracer('dualtrace/doctor', VERSION).startSpan('dualtrace doctor', { kind: SpanKind.SERVER, attributes: { 'dualtrace.doctor': true } }, ROOT_CONTEXT);
  span.end();
  return ended[0]!;
}

/** The test span as the app would send it: OTLP/protobuf, the resolved URL and headers. */
async function postOtlp(
  name: string,
  target: string,
  headers: Readonly<Record<string, string>>,
  span: ReadableSpan,
  timeoutMs: number,
  describeStatus: (status: number) => string,
): Promise<CheckResult> {
  const body = new TraceRequestEncoder().encode([span]);
  const url = new URL(target);
  const where = `POST ${url.origin}${url.pathname}`;
  try {
    const answer = await request(target, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-protobuf' }, body }, timeoutMs);
    if (answer.status >= 200 && answer.status < 300) return { name, status: 'ok', summary: `${where} took the test trace (HTTP ${answer.status})` };
    return { name, status: 'fail', summary: `${where}: ${describeStatus(answer.status)}` };
  } catch (error) {
    if (!(error instanceof NoAnswer)) throw error;
    return { name, status: 'fail', summary: `${where}: ${error.message}`, fix: 'Check the endpoint setting and that this machine can reach it.' };
  }
}

/** X-Ray over OTLP: the app's own exporter (gzip, X-Ray's limits, SigV4 when on), so signing is tested too. */
async function sendToXRayOtlp(config: ResolvedConfig, span: ReadableSpan): Promise<CheckResult> {
  const name = 'xray otlp export';
  const otlp = config.xray.otlp!;
  const where = `POST ${new URL(otlp.url).origin}${new URL(otlp.url).pathname}`;
  let exporter: ReturnType<typeof createXRayOtlpExporter>;
  try {
    exporter = createXRayOtlpExporter({ ...config.xray, otlp });
  } catch (error) {
    return { name, status: 'fail', summary: error instanceof Error ? error.message.replace(/^dualtrace: /, '') : String(error) };
  }
  try {
    const result = await new Promise<ExportResult>((resolve) => exporter.export([span], resolve));
    if (result.code === ExportResultCode.SUCCESS) return { name, status: 'ok', summary: `${where} took the test trace${otlp.sigv4 ? ' (SigV4-signed)' : ''}` };
    return { name, status: 'fail', summary: `${where}: ${describeXRayOtlpError(result.error)}` };
  } finally {
    await exporter.shutdown();
  }
}

async function sendToXRay(config: ResolvedConfig, span: ReadableSpan): Promise<CheckResult> {
  const name = 'xray daemon';
  const where = `udp ${formatEndpoint(config.xray.daemonAddress.udp)}`;
  const exporter = new DaemonExporter(config.xray);
  try {
    const result = await new Promise<{ code: ExportResultCode }>((resolve) => exporter.export([span], resolve));
    await exporter.forceFlush();
    await new Promise((resolve) => setTimeout(resolve, REFUSAL_WINDOW_MS));
    const stats = exporter.getStats();
    const codes = Object.keys(stats.errors);
    if (codes.includes('ECONNREFUSED')) {
      return {
        name,
        status: 'fail',
        summary: `${where} refused the test segment: nothing listens there (ICMP port unreachable)`,
        fix: 'Start the X-Ray daemon (or the CloudWatch agent / ADOT collector with an X-Ray UDP receiver), or point `xray.daemonAddress` / AWS_XRAY_DAEMON_ADDRESS at it.',
      };
    }
    if (codes.length > 0 || result.code !== ExportResultCode.SUCCESS || stats.datagramsSent === 0) {
      return { name, status: 'fail', summary: `${where}: the test segment was not sent (${codes.join(', ') || 'export failed'})`, fix: 'Check `xray.daemonAddress` / AWS_XRAY_DAEMON_ADDRESS.' };
    }
    return {
      name,
      status: 'ok',
      summary: `${where} took the test segment (${stats.datagramsSent} datagram, ${stats.bytesSent} bytes, nothing refused)`,
      details: ['UDP has no acknowledgement: the daemon\'s log shows each batch it sends on to X-Ray.'],
    };
  } finally {
    await exporter.shutdown();
  }
}

async function skipped(name: string, why: string): Promise<CheckResult> {
  return { name, status: 'skip', summary: why };
}
