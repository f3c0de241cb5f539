import { ConfigError, ConfigErrorCode } from '../errors';
import { describeBadHeaderValue, isHeaderName, isHeaderValue } from './header-rules';
import { isAttributeValue, isPlainObject } from './parse';

/** The option tree `initTracing` knows, with the type each leaf must have. Unknown keys are errors (typos are common). */
const SCHEMA = {
  service: 'string',
  serviceVersion: 'string',
  environment: 'string',
  resourceAttributes: 'attributes',
  xrayUrl: 'string',
  honeycombKey: 'string',
  sampleRate: 'number',
  console: 'boolean',
  disabled: 'boolean',
  dev: 'boolean',
  flushOnExit: 'boolean',
  shutdownTimeoutMillis: 'number',
  logLevel: 'logLevel',
  instrumentation: { server: 'boolean', fetch: 'boolean', http: 'boolean', requireParent: 'boolean' },
  honeycomb: { enabled: 'boolean', endpoint: 'string', dataset: 'string', headers: 'headers', timeoutMillis: 'number', sampleRate: 'number' },
  xray: {
    enabled: 'boolean',
    daemonAddress: 'string',
    tracingName: 'string',
    indexedAttributes: 'string[]',
    indexAllAttributes: 'boolean',
    resourceMetadata: 'boolean',
    maxDocumentBytes: 'number',
    transport: 'xrayTransport',
    endpoint: 'string',
    region: 'string',
    sigv4: 'boolean',
    timeoutMillis: 'number',
    sampling: 'samplingMode',
    samplingRules: 'samplingRules',
    samplingEndpoint: 'string',
  },
  collector: { enabled: 'boolean', endpoint: 'string', headers: 'headers', timeoutMillis: 'number' },
  batch: { maxQueueSize: 'number', maxExportBatchSize: 'number', scheduledDelayMillis: 'number', exportTimeoutMillis: 'number' },
  spanLimits: { attributeValueLengthLimit: 'number', attributeCountLimit: 'number' },
} as const;

type Leaf = 'string' | 'number' | 'boolean' | 'attributes' | 'headers' | 'string[]' | 'logLevel' | 'xrayTransport' | 'samplingMode' | 'samplingRules';

export const XRAY_TRANSPORTS = ['daemon', 'otlp'] as const;

export const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export const XRAY_SAMPLING_MODES = ['centralized', 'local', 'all'] as const;
type Schema = { readonly [key: string]: Leaf | Schema };

/** Every option `initTracing` knows, as dotted paths (`service`, `honeycomb.endpoint`, …): the leaves of the schema. */
export const OPTION_PATHS: readonly string[] = (function leaves(schema: Schema, prefix: string): string[] {
  return Object.entries(schema).flatMap(([key, rule]) => (typeof rule === 'object' ? leaves(rule, `${prefix}${key}.`) : [prefix + key]));
})(SCHEMA, '');

/**
 * Checks the shape of the options object: unknown keys (with a "did you mean" hint) and wrong types throw
 * `ConfigError`. `undefined` values are allowed everywhere (they mean "not set").
 */
export function validateOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new ConfigError(ConfigErrorCode.INVALID_TYPE, 'options', `is ${describe(options)}`, 'Pass an object such as { service: "backend-flask" }, or nothing.');
  }
  check(options, SCHEMA, '');
}

/** The options of a directly constructed `XRayDaemonExporter`: the `xray` options (but `enabled`) and the host pattern. */
const XRAY_EXPORTER_SCHEMA: Schema = (() => {
  // The OTLP transport's options are initTracing's only: XRayDaemonExporter speaks to the daemon.
  const { enabled: _enabled, transport: _transport, endpoint: _endpoint, region: _region, sigv4: _sigv4, timeoutMillis: _timeout, sampling: _sampling, samplingRules: _rules, samplingEndpoint: _samplingEndpoint, ...rest } =
    SCHEMA.xray;
  return { ...rest, namePattern: 'string' };
})();

/** Checks a directly constructed `XRayDaemonExporter`'s options with the same rules (names reported as `xray.<name>`). */
export function validateXRayExporterOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new ConfigError(ConfigErrorCode.INVALID_TYPE, 'options', `is ${describe(options)}`, 'Pass an object such as { daemonAddress: "127.0.0.1:2000" }, or nothing.');
  }
  check(options, XRAY_EXPORTER_SCHEMA, 'xray.');
}

function check(value: Record<string, unknown>, schema: Schema, prefix: string): void {
  for (const key of Object.keys(value)) {
    const path = prefix + key;
    const rule = schema[key];
    const v = value[key];
    if (rule === undefined) {
      const hint = suggest(key, Object.keys(schema));
      throw new ConfigError(
        ConfigErrorCode.UNKNOWN_OPTION,
        path,
        'is not an option',
        hint ? `Did you mean \`${prefix}${hint}\`? See docs/configuration.md.` : 'See docs/configuration.md for the options.',
      );
    }
    if (v === undefined) continue;
    if (typeof rule === 'object') {
      if (!isPlainObject(v)) throw typeError(path, v, 'an object');
      check(v, rule, `${path}.`);
      continue;
    }
    checkLeaf(path, v, rule);
  }
}

function checkLeaf(path: string, v: unknown, rule: Leaf): void {
  switch (rule) {
    case 'string':
    case 'boolean':
      if (typeof v !== rule) throw typeError(path, v, `a ${rule}`);
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError(path, v, 'a finite number');
      return;
    case 'logLevel':
    case 'samplingMode': {
      const allowed: readonly string[] = rule === 'logLevel' ? LOG_LEVELS : XRAY_SAMPLING_MODES;
      if (typeof v !== 'string' || !allowed.includes(v)) {
        throw new ConfigError(ConfigErrorCode.BAD_VALUE, path, `is ${typeof v === 'string' ? JSON.stringify(v) : describe(v)}`, `Use one of ${allowed.join(', ')}.`);
      }
      return;
    }
    case 'xrayTransport':
      if (typeof v !== 'string' || !(XRAY_TRANSPORTS as readonly string[]).includes(v)) {
        throw new ConfigError(ConfigErrorCode.BAD_VALUE, path, `is ${typeof v === 'string' ? JSON.stringify(v) : describe(v)}`, `Use one of ${XRAY_TRANSPORTS.join(', ')}.`);
      }
      return;
    case 'samplingRules':
      // The rules themselves are checked field by field when they are read (config/sampling-rules.ts).
      if (typeof v !== 'string' && !isPlainObject(v)) throw typeError(path, v, 'a path to a rules file, or the rules object');
      return;
    case 'string[]':
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw typeError(path, v, 'an array of strings');
      return;
    case 'headers':
      if (!isPlainObject(v) || !Object.values(v).every((s) => typeof s === 'string')) {
        throw typeError(path, v, 'an object of string header values');
      }
      for (const [name, value] of Object.entries(v)) {
        if (!isHeaderName(name.trim())) {
          throw new ConfigError(ConfigErrorCode.BAD_VALUE, `${path}.${JSON.stringify(name)}`, 'is not a header name', "Use letters, digits and !#$%&'*+.^_`|~- only.");
        }
        if (!isHeaderValue(value as string)) {
          // Only the header's name is shown: its value may be a key or a token.
          throw new ConfigError(ConfigErrorCode.BAD_VALUE, `${path}.${name}`, describeBadHeaderValue(value as string), 'Only visible ASCII characters, spaces and tabs can be sent.');
        }
      }
      return;
    case 'attributes':
      if (!isPlainObject(v)) throw typeError(path, v, 'an object of attribute values');
      for (const [name, value] of Object.entries(v)) {
        if (value !== undefined && !isAttributeValue(value)) throw typeError(`${path}.${name}`, value, 'a string, finite number, boolean, or an array of them');
      }
      return;
  }
}

function typeError(path: string, v: unknown, expected: string): ConfigError {
  // Never echo the value of the key option: describe() only names the type for strings.
  return new ConfigError(ConfigErrorCode.INVALID_TYPE, path, `is ${describe(v)}`, `It must be ${expected}.`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : `${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return `a ${typeof v === 'object' ? 'non-plain object' : typeof v}`;
}

/** The closest known key by edit distance (≤ 3), or a case-insensitive match. */
function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    if (candidate.toLowerCase() === key.toLowerCase()) return candidate;
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
