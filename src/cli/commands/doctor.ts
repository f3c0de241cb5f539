import { readFileSync } from 'node:fs';
import type { DualtraceOptions } from '../../config/types';
import { integerFlag, parseCommandArgs, withoutBom } from '../args';
import { renderReport } from '../doctor/render';
import { runDoctor } from '../doctor/run-doctor';
import { CommandError, EXIT_FAILURE } from '../errors';
import type { CliIO } from '../io';

export const DOCTOR_HELP = `dualtrace doctor — why don't my traces show up?

Checks the configuration this environment gives dualtrace (the same variables your app gets) and both backends:
  configuration    every resolved value and where it came from (option, environment variable, default); secrets redacted
  honeycomb key    the kind of key (Ingest, Classic, Configuration…) and whether its shape is valid
  honeycomb auth   GET <endpoint>/1/auth with the key: known? may it send events? which team and environment?
  sampling         what each backend keeps; with centralized X-Ray rules, POST /GetSamplingRules where the app
                   asks for them (the daemon's TCP address, or xray.samplingEndpoint): answered? which rules?
  honeycomb export one test trace, POSTed as the app would send it
  xray daemon      the same trace as a segment over UDP (refused = nothing listens)
  test trace       links to the test trace in Honeycomb and in the X-Ray console

Usage:
  dualtrace doctor [flags]

Flags:
  --json              print the report as JSON (for scripts)
  --options <file>    a JSON file with the options your app passes to initTracing (they win over the environment)
  --timeout <ms>      bound of each network check (default 5000)
  --no-send           check everything but send no test trace
  -h, --help          show this help

Exit code 0 when nothing failed, 1 when something did (the report lists it with the fix), 2 for a bad command line.
Docs: docs/cli.md in the dualtrace package.
`;

const OPTIONS = {
  json: { type: 'boolean' },
  options: { type: 'string' },
  timeout: { type: 'string' },
  'no-send': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const flags = parseCommandArgs('doctor', args, OPTIONS);
  if (flags.help) {
    io.out(DOCTOR_HELP);
    return 0;
  }
  const timeoutMs = integerFlag('doctor', 'timeout', flags.timeout, 1, 600_000) ?? 5000;
  const options = flags.options === undefined ? undefined : readOptions(flags.options);
  const report = await runDoctor({ env: process.env, options, timeoutMs, send: flags['no-send'] !== true });
  io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.ok ? 0 : EXIT_FAILURE;
}

function readOptions(file: string): DualtraceOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandError(`--options: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const parsed = JSON.parse(withoutBom(text)) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as DualtraceOptions;
  } catch (error) {
    throw new CommandError(`--options: ${file} is not a JSON object of initTracing options (${(error as Error).message})`);
  }
}
