import { readFileSync } from 'node:fs';
import { DEV_HOST, DEV_OTLP_PORT, DEV_UI_PORT, DEV_XRAY_PORT } from '../../config/dev';
import { rulesFromFile, type SamplingRuleRecord } from '../../dev/receivers/sampling-rules';
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_SPANS, DEFAULT_MAX_TRACES, startDevServer, type DevServer } from '../../dev/server/dev-server';
import { PortInUseError } from '../../dev/server/listen';
import { integerFlag, parseCommandArgs } from '../args';
import { CommandError } from '../errors';
import type { CliIO } from '../io';

export const DEV_HELP = `dualtrace dev — see on your own machine what Honeycomb and X-Ray will each receive

Starts, on loopback, an OTLP/HTTP receiver, an X-Ray daemon stand-in and a web UI that shows every trace twice:
as Honeycomb will store it and as X-Ray will assemble it, with X-Ray's rules checked on the datagrams that arrived.

Usage:
  dualtrace dev [flags]

Flags:
  --otlp-port <port>          OTLP/HTTP receiver, protobuf and JSON at /v1/traces (default ${DEV_OTLP_PORT})
  --xray-port <port>          X-Ray daemon stand-in: UDP for segments, TCP for the sampling API (default ${DEV_XRAY_PORT})
  --ui-port <port>            web UI (default ${DEV_UI_PORT})
  --host <address>            address to listen on (default ${DEV_HOST}; the UI then also answers to that host name)
  --max-traces <n>            traces kept in memory, oldest dropped first (default ${DEFAULT_MAX_TRACES})
  --max-spans <n>             spans, and X-Ray datagrams, kept per trace (default ${DEFAULT_MAX_SPANS})
  --max-request-bytes <n>     largest OTLP request, also once decompressed; larger ones get 413 (default ${DEFAULT_MAX_REQUEST_BYTES})
  --sampling-rules <file>     rules the sampling API answers with: X-Ray SDK local rules (version 1 or 2), a
                              GetSamplingRules response, or SamplingRule objects (default: sample everything)
  --save <file.jsonl>         also append everything received to this file (nothing is written otherwise)
  --load <file.jsonl>         start with what a --save file holds
  -h, --help                  show this help

Point an app at it:
  DUALTRACE_DEV=1 node app.js                        (dualtrace apps, default ports)
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318  (any OpenTelemetry SDK)
  AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:2000             (any X-Ray SDK; already the default)

Stop with Ctrl-C. Docs: docs/dev.md
`;

const OPTIONS = {
  'otlp-port': { type: 'string' },
  'xray-port': { type: 'string' },
  'ui-port': { type: 'string' },
  host: { type: 'string' },
  'max-traces': { type: 'string' },
  'max-spans': { type: 'string' },
  'max-request-bytes': { type: 'string' },
  'sampling-rules': { type: 'string' },
  save: { type: 'string' },
  load: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const flags = parseCommandArgs('dev', args, OPTIONS);
  if (flags.help) {
    io.out(DEV_HELP);
    return 0;
  }
  const port = (name: 'otlp-port' | 'xray-port' | 'ui-port') => integerFlag('dev', name, flags[name], 0, 65535);
  const count = (name: 'max-traces' | 'max-spans' | 'max-request-bytes') => integerFlag('dev', name, flags[name], 1, 2 ** 31);
  const rules = flags['sampling-rules'] === undefined ? undefined : readRules(flags['sampling-rules']);
  let server: DevServer;
  try {
    server = await startDevServer({
      host: flags.host, otlpPort: port('otlp-port'), xrayPort: port('xray-port'), uiPort: port('ui-port'),
      maxTraces: count('max-traces'), maxSpans: count('max-spans'), maxRequestBytes: count('max-request-bytes'),
      samplingRules: rules, samplingSource: flags['sampling-rules'], save: flags.save, load: flags.load,
    });
  } catch (error) {
    if (error instanceof PortInUseError) throw new CommandError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CommandError(`--load: ${(error as Error).message}`);
    if (flags.load !== undefined && error instanceof Error && error.message.startsWith(flags.load)) throw new CommandError(`--load ${error.message}`);
    throw error;
  }
  io.out(banner(server));
  await untilSignal();
  io.out('dualtrace dev: stopping\n');
  await server.close();
  return 0;
}

function banner(server: DevServer): string {
  const { urls, ports } = server;
  const s = server.status();
  const defaults = ports.otlp === DEV_OTLP_PORT && ports.xray === DEV_XRAY_PORT && server.host === DEV_HOST;
  const lines = [
    'dualtrace dev: what Honeycomb and X-Ray will each receive',
    `  UI              ${urls.ui}`,
    `  OTLP/HTTP       ${urls.otlpTraces}  (protobuf and JSON: the Honeycomb side)`,
    `  X-Ray daemon    udp ${urls.daemonAddress} (segments), tcp ${urls.daemonAddress} (sampling: ${s.sampling.source})`,
    '',
    'Point an app here:',
    defaults
      ? '  DUALTRACE_DEV=1   (dualtrace apps; or the two variables below)'
      : '  (ports are not the defaults, so DUALTRACE_DEV=1 alone will not find them; set these)',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlp} AWS_XRAY_DAEMON_ADDRESS=${urls.daemonAddress}`,
    '',
    `Memory only: the last ${s.limits.maxTraces} traces, ${s.limits.maxSpans} spans each.${s.saving ? ` Also saving to ${s.saving}.` : ' Nothing is written to disk (--save to keep it).'}`,
    ...(s.loaded ? [`Loaded ${s.loaded.file} (${s.loaded.lines} lines).`] : []),
    'Ctrl-C stops.',
    '',
  ];
  return lines.join('\n');
}

function readRules(file: string): SamplingRuleRecord[] {
  try {
    return rulesFromFile(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new CommandError(`--sampling-rules ${file}: ${(error as Error).message}`);
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
