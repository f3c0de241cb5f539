import { readFileSync } from 'node:fs';
import { parseCommandLine, withoutBom } from '../args';
import { CommandError, UsageError } from '../errors';
import type { CliIO } from '../io';
import { applyWanted } from '../xray/apply';
import { connectXRay, INSTALL_HINT } from '../xray/aws';
import { PlanError } from '../xray/plan';
import { groupFromFlags, parseWanted, WantedError, type Wanted } from '../xray/wanted';

export const XRAY_HELP = `dualtrace xray apply — create or update X-Ray sampling rules and groups, idempotently

Usage:
  dualtrace xray apply <file.json…> [flags]
  dualtrace xray apply --group <name> --filter <expression> [flags]

Files use the AWS CLI's JSON, as for --cli-input-json:
  sampling rule   {"SamplingRule": {"RuleName": "Cruddur", "ResourceARN": "*", "Priority": 9000, "FixedRate": 0.1,
                   "ReservoirSize": 5, "ServiceName": "backend-flask", "ServiceType": "*", "Host": "*",
                   "HTTPMethod": "*", "URLPath": "*", "Version": 1}}            (aws xray create-sampling-rule)
  group           {"GroupName": "Cruddur", "FilterExpression": "service(\\"backend-flask\\") {fault OR error}"}
                                                                                 (aws xray create-group)
  or an array of them. Rules and groups are matched by name: missing ones are created, ones that differ are
  updated (only what differs), the rest is left alone, so running it twice changes nothing the second time.

Flags:
  --group <name>        a group to create or update (with --filter)
  --filter <expr>       its filter expression, e.g. 'service("backend-flask") {fault OR error}'
  --dry-run             read what X-Ray has and print what would change; change nothing
  --region <region>     AWS region (default: the AWS SDK's, from AWS_REGION / AWS_PROFILE / ~/.aws/config)
  --endpoint <url>      another X-Ray API endpoint (a VPC endpoint, a local stand-in)
  -h, --help            show this help

Credentials come from the AWS SDK's usual chain (environment, shared config and SSO, container or instance role).
Needs @aws-sdk/client-xray, an optional peer dependency: ${INSTALL_HINT}
Docs: docs/cli.md in the dualtrace package.
`;

const OPTIONS = {
  group: { type: 'string' },
  filter: { type: 'string' },
  'dry-run': { type: 'boolean' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(XRAY_HELP);
    return 0;
  }
  if (sub !== 'apply') throw new UsageError(`unknown subcommand "${sub}" (there is "apply")`, 'xray');
  const { flags, operands } = parseCommandLine('xray apply', rest, OPTIONS);
  if (flags.help) {
    io.out(XRAY_HELP);
    return 0;
  }
  if (flags.filter !== undefined && flags.group === undefined) throw new UsageError('--filter needs --group <name>', 'xray');
  if (flags.endpoint !== undefined && !/^https?:\/\/[^/]/.test(flags.endpoint)) throw new UsageError(`--endpoint must be an http(s) URL (got "${flags.endpoint}")`, 'xray');
  const wanted = readWanted(operands, flags.group, flags.filter);
  if (wanted.rules.length === 0 && wanted.groups.length === 0) throw new UsageError('nothing to apply: give rule or group files, or --group with --filter', 'xray');

  const api = await connectXRay({ region: flags.region, endpoint: flags.endpoint });
  try {
    await applyWanted(api, wanted, flags['dry-run'] === true, (line) => io.out(`${line}\n`));
  } catch (error) {
    if (error instanceof PlanError) throw new CommandError(error.message);
    throw error;
  }
  return 0;
}

function readWanted(files: readonly string[], group: string | undefined, filter: string | undefined): Wanted {
  const rules: Wanted['rules'][number][] = [];
  const groups: Wanted['groups'][number][] = [];
  try {
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CommandError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      const wanted = parseWanted(withoutBom(text), file);
      rules.push(...wanted.rules);
      groups.push(...wanted.groups);
    }
    if (group !== undefined) groups.push(groupFromFlags(group, filter));
  } catch (error) {
    if (error instanceof WantedError) throw new CommandError(error.message);
    throw error;
  }
  return { rules, groups };
}
