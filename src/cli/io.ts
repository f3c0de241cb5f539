/** Where a command writes. Commands never touch process.stdout/stderr or process.exit themselves, so tests can run them. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own streams. */
export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** One CLI command: `run` returns the exit code; failures throw and end in `handleError`. */
export interface Command {
  run(args: readonly string[], io: CliIO): Promise<number>;
}
