import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import ts from 'typescript';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../src/index';
import type { DualtraceOptions, ResolvedConfig, Tracing } from '../src/index';
import { HELP, main } from '../src/cli/main';
import { handleError } from '../src/cli/errors';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string; exports: Record<string, unknown> };

/**
 * Every public name, per package entry point: runtime exports (`values`) and type-only exports (`types`). Adding,
 * removing or renaming an export fails the tests below: change this list on purpose, with a CHANGELOG entry.
 */
const PUBLIC: Record<string, { source: string; values: string[]; types: string[] }> = {
  '.': {
    source: 'src/index.ts',
    values: [
      'ConfigError', 'ConfigErrorCode', 'DualtraceError', 'DualtracePropagator', 'VERSION', 'XRayDaemonExporter',
      'annotate', 'disableOutgoingInstrumentation', 'enableOutgoingInstrumentation', 'getSamplingStatus', 'getTracing', 'initTracing',
      'parseDaemonAddress', 'redactConfig', 'resolveConfig', 'setUser', 'traceLinks', 'withSpan',
    ],
    types: [
      'AnnotationValue', 'BatchOptions', 'CollectorOptions', 'DaemonAddress', 'DaemonEndpoint', 'DecisionCounts',
      'DualtraceOptions', 'HoneycombOptions', 'HoneycombSampling', 'InstrumentationOptions', 'LogLevel',
      'OutgoingInstrumentationOptions', 'PollerStatus', 'ResolvedCollector', 'ResolvedConfig', 'ResolvedHoneycomb',
      'ResolvedXRay', 'ResolvedXRayOtlp', 'RuleStatus', 'SamplerConfig', 'SamplingStatus', 'SpanLimitOptions',
      'TraceLinks', 'TraceLinksOptions', 'Tracing', 'XRayDaemonExporterOptions', 'XRayDaemonExporterStats',
      'XRayLocalRules', 'XRayLocalSamplingRule', 'XRayLocalSamplingRulesDocument', 'XRayOptions', 'XRaySampling',
      'XRaySamplingMode', 'XRaySamplingStatus', 'XRayTransport',
    ],
  },
  './register': { source: 'src/register.ts', values: [], types: [] },
  './aws-sdk': { source: 'src/adapters/aws-sdk.ts', values: ['instrumentAwsClient'], types: ['AwsClientLike', 'AwsClientOptions'] },
  './express': {
    source: 'src/adapters/express.ts',
    values: ['errorTracing', 'tracing'],
    types: ['ErrorTracingMiddleware', 'NextFunction', 'ServerTracingOptions', 'SpanNameInfo', 'TracingMiddleware'],
  },
  './fastify': { source: 'src/adapters/fastify.ts', values: ['tracing'], types: ['ServerTracingOptions', 'SpanNameInfo', 'TracingPlugin'] },
  './fetch': { source: 'src/adapters/fetch.ts', values: ['traced'], types: ['FetchTracingOptions', 'ServerTracingOptions', 'SpanNameInfo'] },
  './hono': { source: 'src/adapters/hono.ts', values: ['tracing'], types: ['ServerTracingOptions', 'SpanNameInfo'] },
  './http': { source: 'src/adapters/http.ts', values: ['traced'], types: ['HttpTracingOptions', 'ServerTracingOptions', 'SpanNameInfo'] },
  './koa': {
    source: 'src/adapters/koa.ts',
    values: ['tracing'],
    types: ['KoaContextLike', 'ServerTracingOptions', 'SpanNameInfo', 'TracingMiddleware'],
  },
  './lambda': {
    source: 'src/adapters/lambda.ts',
    values: ['traced'],
    types: ['LambdaContextLike', 'LambdaHandler', 'LambdaTracingOptions', 'ServerTracingOptions', 'SpanNameInfo'],
  },
};
const entries = Object.entries(PUBLIC);

/** The exports of each entry as TypeScript sees them (values and types), aliases resolved to their declarations. */
let program: ts.Program;
let checker: ts.TypeChecker;
function exportsOf(source: string): ts.Symbol[] {
  const file = program.getSourceFile(fileURLToPath(new URL(source, root)));
  if (file === undefined) throw new Error(`${source} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  return moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
}
function resolve(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}
function documentation(symbol: ts.Symbol): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

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

describe('export lists', () => {
  beforeAll(() => {
    const configFile = ts.readConfigFile(fileURLToPath(new URL('tsconfig.json', root)), (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, fileURLToPath(root));
    program = ts.createProgram(
      entries.map(([, entry]) => fileURLToPath(new URL(entry.source, root))),
      { ...options, noEmit: true },
    );
    checker = program.getTypeChecker();
  });

  it('should pin one list per package.json export, each with its source file', () => {
    const subpaths = Object.keys(pkg.exports).filter((subpath) => subpath !== './package.json');
    expect(Object.keys(PUBLIC).sort()).toEqual(subpaths.sort());
    for (const [, entry] of entries) expect(existsSync(new URL(entry.source, root)), entry.source).toBe(true);
  });

  it.each(entries.filter(([subpath]) => subpath !== './register'))('should export exactly the pinned values from %s at run time', async (_subpath, entry) => {
    const module = (await import(fileURLToPath(new URL(entry.source, root)))) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual([...entry.values].sort());
  });

  it.each(entries)('should export exactly the pinned values and types from %s at compile time', (_subpath, entry) => {
    const symbols = exportsOf(entry.source);
    const values = symbols.filter((s) => resolve(s).flags & ts.SymbolFlags.Value).map((s) => s.name);
    const types = symbols.filter((s) => !(resolve(s).flags & ts.SymbolFlags.Value)).map((s) => s.name);
    expect(values.sort()).toEqual([...entry.values].sort());
    expect(types.sort()).toEqual([...entry.types].sort());
  });

  // The style rule for public API: JSDoc with an example on every export, and a comment on every field of the
  // interfaces and classes it exports (inherited comments count, e.g. a propagator's `inject`).
  it.each(entries)('should document every export of %s with an @example', (_subpath, entry) => {
    const missing: string[] = [];
    for (const exported of exportsOf(entry.source)) {
      const symbol = resolve(exported);
      if (documentation(symbol) === '') missing.push(`${exported.name}: no JSDoc`);
      if (!symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')) missing.push(`${exported.name}: no @example`);
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isInterfaceDeclaration(declaration) && !ts.isClassDeclaration(declaration)) continue;
        for (const member of declaration.members) {
          if (member.name === undefined || ts.isConstructorDeclaration(member)) continue;
          const flags = ts.getCombinedModifierFlags(member);
          if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || ts.isPrivateIdentifier(member.name)) continue;
          const memberSymbol = checker.getSymbolAtLocation(member.name);
          if (memberSymbol !== undefined && documentation(memberSymbol) === '') missing.push(`${exported.name}.${memberSymbol.name}: no JSDoc`);
        }
      }
    }
    expect(missing).toEqual([]);
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
