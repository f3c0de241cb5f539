import { VERSION } from '../../version';
import type { CliIO } from '../io';

export const HELP = `dualtrace ${VERSION} — one OpenTelemetry provider, two backends (Honeycomb + AWS X-Ray)

Usage:
  dualtrace dev [flags]  local viewer: see what Honeycomb and X-Ray will each receive (dualtrace dev --help)
  dualtrace --help       show this help
  dualtrace --version    print the version

In your app:
  import { initTracing } from 'dualtrace';
  initTracing({ service: 'backend-flask', honeycombKey: process.env.HONEYCOMB_API_KEY });

Docs: https://www.npmjs.com/package/dualtrace (docs/configuration.md lists every option and variable)
`;

export async function run(_args: readonly string[], io: CliIO): Promise<number> {
  io.out(HELP);
  return 0;
}
