import { UsageError } from './errors';
import type { CliIO, Command } from './io';

export { HELP } from './commands/help';
export type { CliIO } from './io';

/**
 * Each command is its own module under commands/, loaded only when asked for: `dualtrace --help` never loads the dev
 * server. A new command is one line here and one file there.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  help: () => import('./commands/help'),
  version: () => import('./commands/version'),
  dev: () => import('./commands/dev'),
  doctor: () => import('./commands/doctor'),
  xray: () => import('./commands/xray'),
};

const ALIASES: Readonly<Record<string, string>> = { '--help': 'help', '-h': 'help', '--version': 'version', '-v': 'version' };

/** Runs the CLI and resolves to the exit code; never calls process.exit itself. Errors reject (see `handleError`). */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first = 'help', ...rest] = argv;
  const name = ALIASES[first] ?? first;
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) throw new UsageError(`unknown command "${first}"`);
  const command = await load();
  return command.run(rest, io);
}
