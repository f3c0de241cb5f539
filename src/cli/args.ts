import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;
/** The parsed flags: booleans for boolean flags, strings otherwise (no flag is repeatable). */
export type Flags<T extends Options> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/**
 * `node:util` parseArgs in strict mode, shared by every command: an unknown flag, a missing value or a stray
 * positional becomes a `UsageError` that names the command.
 */
export function parseCommandArgs<T extends Options>(command: string, args: readonly string[], options: T): Flags<T> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Flags<T>;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^.*?: /, '').split('\n')[0]!, command);
  }
}

/** As {@link parseCommandArgs}, for commands that also take operands (`dualtrace xray apply <file…>`). */
export function parseCommandLine<T extends Options>(command: string, args: readonly string[], options: T): { flags: Flags<T>; operands: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { flags: values as Flags<T>, operands: positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^.*?: /, '').split('\n')[0]!, command);
  }
}

/** A whole number flag within [min, max]; `undefined` when the flag was not given. */
export function integerFlag(command: string, flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`, command);
  }
  return n;
}

/** A file's text without the byte order mark some editors (and PowerShell) write before UTF-8 JSON. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
