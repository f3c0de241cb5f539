import { VERSION } from '../../version';
import type { CliIO } from '../io';

export const HELP = `dualtrace ${VERSION} — one OpenTelemetry provider, two backends (Honeycomb + AWS X-Ray)

Usage:
  dualtrace doctor [flags]         why don't my traces show up? checks the configuration and both backends
  dualtrace dev [flags]            local viewer: see what Honeycomb and X-Ray will each receive
  dualtrace xray apply <file…>     create or update X-Ray sampling rules and groups (AWS CLI JSON), idempotently
  dualtrace --help                 show this help
  dualtrace --version              print the version
Each command has its own --help.

In your app:
  import { initTracing } from 'dualtrace';
  initTracing({ service: 'backend-flask', honeycombKey: process.env.HONEYCOMB_API_KEY });
or with no code: node --import dualtrace/register app.mjs

Docs: docs/cli.md (commands) and docs/configuration.md (every option and variable), shipped in the package:
node_modules/dualtrace/docs/
`;

export async function run(_args: readonly string[], io: CliIO): Promise<number> {
  io.out(HELP);
  return 0;
}
