/**
 * `dualtrace dev` as a library: an OTLP/HTTP receiver, an X-Ray daemon stand-in (UDP segments, TCP sampling API)
 * and the UI, all in one process and one bounded store. The CLI command and the demo start it; tests start it on
 * port 0.
 */
import type { Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_HOST, DEV_OTLP_PORT, DEV_UI_PORT, DEV_XRAY_PORT } from '../../config/dev';
import { createOtlpHandler, TRACES_PATH, type OtlpReceiverStats } from '../receivers/otlp-http';
import { createSamplingHandler, type SamplingStats } from '../receivers/sampling';
import { PERMISSIVE_RULES, type SamplingRuleRecord } from '../receivers/sampling-rules';
import { loadRecording, Recorder } from '../store/persist';
import { TraceStore } from '../store/trace-store';
import { parseDatagram } from '../xray/datagram';
import { bindUdp, closeHttp, closeUdp, listenHttp, PortInUseError } from './listen';
import { createUiHandler } from './ui-server';

export const DEFAULT_MAX_TRACES = 200;
export const DEFAULT_MAX_SPANS = 1000;
/** The X-Ray OTLP endpoint's own request limit (5 MB uncompressed); Honeycomb's exporters batch far below it. */
export const DEFAULT_MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const SAME_PORT_TRIES = 10;

export interface DevServerOptions {
  host?: string;
  /** 0 picks free ports (the X-Ray UDP and TCP ports are still one number). */
  otlpPort?: number;
  xrayPort?: number;
  uiPort?: number;
  maxTraces?: number;
  maxSpans?: number;
  maxRequestBytes?: number;
  samplingRules?: readonly SamplingRuleRecord[];
  /** Where the rules came from, for the status ("permissive default" without a file). */
  samplingSource?: string;
  save?: string;
  load?: string;
}

export interface DevServer {
  readonly store: TraceStore;
  readonly host: string;
  readonly ports: { readonly otlp: number; readonly xray: number; readonly ui: number };
  readonly urls: { readonly ui: string; readonly otlp: string; readonly otlpTraces: string; readonly daemonAddress: string };
  status(): DevStatus;
  close(): Promise<void>;
}

export interface DevStatus {
  readonly startedAt: number;
  readonly urls: DevServer['urls'];
  readonly limits: { maxTraces: number; maxSpans: number; maxRequestBytes: number };
  readonly traces: number;
  readonly store: TraceStore['stats'];
  readonly otlp: OtlpReceiverStats;
  readonly sampling: SamplingStats & { source: string; rules: number };
  readonly saving?: string;
  readonly loaded?: { file: string; lines: number };
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? DEV_HOST;
  const limits = {
    maxTraces: options.maxTraces ?? DEFAULT_MAX_TRACES,
    maxSpans: options.maxSpans ?? DEFAULT_MAX_SPANS,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  };
  const store = new TraceStore({ maxTraces: limits.maxTraces, maxSpansPerTrace: limits.maxSpans });
  const loaded = options.load === undefined ? undefined : { file: options.load, ...(await loadRecording(options.load, store)) };
  const recorder = options.save === undefined ? undefined : new Recorder(options.save);
  const otlpStats: OtlpReceiverStats = { refused: {}, otherSignals: 0 };
  const rules = options.samplingRules ?? PERMISSIVE_RULES;
  const samplingStats: SamplingStats = { rulesRequests: 0, targetsRequests: 0 };

  const servers: Server[] = [];
  const sockets: Socket[] = [];
  let ui: ReturnType<typeof createUiHandler> | undefined;
  const closeAll = async (): Promise<void> => {
    ui?.close();
    await Promise.all([...servers.map(closeHttp), ...sockets.map(closeUdp)]);
    await recorder?.close();
  };

  try {
    const onDatagram = (message: Buffer): void => {
      const at = Date.now();
      recorder?.datagram(message, at);
      store.addDatagram(parseDatagram(message), at);
    };
    const sampling = createSamplingHandler(rules, samplingStats);
    const { udp, tcp } = await bindDaemon(host, options.xrayPort ?? DEV_XRAY_PORT, onDatagram, (req, res) => void sampling(req, res).catch(() => res.destroy()));
    sockets.push(udp);
    servers.push(tcp);

    const otlp = createOtlpHandler((request, delivery) => {
      const at = Date.now();
      recorder?.otlp(request, delivery, at);
      store.addRequest(request, delivery, at);
    }, limits.maxRequestBytes, otlpStats);
    servers.push(await listenHttp((req, res) => void otlp(req, res).catch(() => res.destroy()), host, options.otlpPort ?? DEV_OTLP_PORT, 'OTLP/HTTP receiver', '--otlp-port'));

    let status: () => DevStatus = () => { throw new Error('not started'); };
    ui = createUiHandler({ store, status: () => status(), allowedHosts: [host.toLowerCase()] });
    servers.push(await listenHttp(ui, host, options.uiPort ?? DEV_UI_PORT, 'web UI', '--ui-port'));

    const startedAt = Date.now();
    const [tcpServer, otlpServer, uiServer] = servers as [Server, Server, Server];
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const ports = { xray: (tcpServer.address() as AddressInfo).port, otlp: (otlpServer.address() as AddressInfo).port, ui: (uiServer.address() as AddressInfo).port };
    const urls = {
      ui: `http://${urlHost}:${ports.ui}`,
      otlp: `http://${urlHost}:${ports.otlp}`,
      otlpTraces: `http://${urlHost}:${ports.otlp}${TRACES_PATH}`,
      daemonAddress: `${urlHost}:${ports.xray}`,
    };
    status = () => ({
      startedAt, urls, limits, traces: store.size, store: store.stats, otlp: otlpStats,
      sampling: { ...samplingStats, source: options.samplingSource ?? 'permissive default (every request sampled)', rules: rules.length },
      ...(recorder ? { saving: recorder.file } : {}),
      ...(loaded ? { loaded } : {}),
    });
    let closing: Promise<void> | undefined;
    return { store, host, ports, urls, status: () => status(), close: () => (closing ??= closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** UDP and TCP on one port number, as the daemon listens; with port 0, a free number both can have. */
async function bindDaemon(host: string, port: number, onDatagram: (m: Buffer) => void, onHttp: Parameters<typeof listenHttp>[0]): Promise<{ udp: Socket; tcp: Server }> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(host, port, onDatagram, 'X-Ray daemon, UDP', '--xray-port');
    const bound = udp.address().port;
    try {
      return { udp, tcp: await listenHttp(onHttp, host, bound, 'X-Ray daemon sampling API, TCP', '--xray-port') };
    } catch (error) {
      await closeUdp(udp);
      if (port !== 0 || attempt >= SAME_PORT_TRIES || !(error instanceof PortInUseError)) throw error;
    }
  }
}
