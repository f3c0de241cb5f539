import { DualtraceError } from '../errors';
import type { CliIO } from './io';

/** Exit code for a command line that cannot be run as given (an unknown flag, a bad value). */
export const EXIT_USAGE = 2;
/** Exit code for a command that started and failed (a port in use, an unreadable file). */
export const EXIT_FAILURE = 1;

/** A mistake in the command line: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A failure the user can act on (the message says how): printed without a stack, exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/**
 * The one place a CLI run ends on an error: prints it as one readable message (a stack only for the unexpected) and
 * sets `process.exitCode`, so pending output is flushed and shutdown hooks still run.
 */
export function handleError(error: unknown, io: CliIO): number {
  let code = EXIT_FAILURE;
  if (error instanceof UsageError) {
    code = EXIT_USAGE;
    const help = error.command === undefined ? 'dualtrace --help' : `dualtrace ${error.command} --help`;
    io.err(`dualtrace: ${error.message}\nRun "${help}" for the usage.\n`);
  } else if (error instanceof CommandError || error instanceof DualtraceError) {
    io.err(`dualtrace: ${error.message}\n`);
  } else {
    io.err(`dualtrace: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = code;
  return code;
}
