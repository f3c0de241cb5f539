import { VERSION } from '../version';

export const HELP = `dualtrace ${VERSION} — one OpenTelemetry provider, two backends (Honeycomb + AWS X-Ray)

Usage:
  dualtrace --help       show this help
  dualtrace --version    print the version

In your app:
  import { initTracing } from 'dualtrace';
  initTracing({ service: 'backend-flask', honeycombKey: process.env.HONEYCOMB_API_KEY });

Docs: https://www.npmjs.com/package/dualtrace (docs/configuration.md lists every option and variable)
`;

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export function main(argv: readonly string[], io: CliIO): number {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  io.err(`dualtrace: unknown command "${command}". Run "dualtrace --help".\n`);
  return 2;
}
