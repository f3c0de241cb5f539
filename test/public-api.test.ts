import { readFileSync } from 'node:fs';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../src/index';
import type { DualtraceOptions, ResolvedConfig, Tracing } from '../src/index';
import { HELP, main } from '../src/cli/main';
import { handleError } from '../src/cli/errors';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('public API', () => {
  it('should keep VERSION equal to package.json', () => {
    expect(api.VERSION).toBe(pkg.version);
  });

  it('should type initTracing and its handle', () => {
    expectTypeOf(api.initTracing).parameter(0).toEqualTypeOf<DualtraceOptions | undefined>();
    expectTypeOf(api.initTracing).returns.toEqualTypeOf<Tracing>();
    expectTypeOf<Tracing['tracer']>().toEqualTypeOf<Tracer>();
    expectTypeOf<Tracing['provider']>().toEqualTypeOf<TracerProvider>();
    expectTypeOf<Tracing['config']>().toEqualTypeOf<ResolvedConfig>();
    expectTypeOf<Tracing['shutdown']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Tracing['forceFlush']>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('should reject misspelt and mistyped options at compile time', () => {
    // @ts-expect-error: not an option
    expectTypeOf<DualtraceOptions>().toMatchTypeOf<{ honeycombkey: string }>();
    // @ts-expect-error: sampleRate is a number
    const bad: DualtraceOptions = { sampleRate: '10' };
    void bad;
  });

  it('should export ConfigError as a DualtraceError with code and option', () => {
    const error = new api.ConfigError(api.ConfigErrorCode.BAD_VALUE, 'logLevel', 'is "loud"', 'Use warn.');
    expect(error).toBeInstanceOf(api.DualtraceError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('DT_CONFIG_BAD_VALUE');
    expect(error.option).toBe('logLevel');
    expect(error.message).toBe('dualtrace: logLevel is "loud". Use warn.');
  });
});

describe('dualtrace CLI', () => {
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    const saved = process.exitCode;
    const code = await main(argv, io).catch((error: unknown) => handleError(error, io));
    process.exitCode = saved;
    return { code, out, err };
  };

  it('should print help and the version', async () => {
    expect(await run('--help')).toEqual({ code: 0, out: HELP, err: '' });
    expect(await run()).toEqual({ code: 0, out: HELP, err: '' });
    expect(await run('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('should reject an unknown command with exit code 2', async () => {
    const result = await run('frobnicate');
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown command "frobnicate"');
    expect(result.err).toContain('dualtrace --help');
  });

  it('should reject an unknown flag of a command with exit code 2, naming the command', async () => {
    const result = await run('dev', '--frobnicate');
    expect(result.code).toBe(2);
    expect(result.err).toContain("'--frobnicate'");
    expect(result.err).toContain('dualtrace dev --help');
  });
});
