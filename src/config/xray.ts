import { ConfigError, ConfigErrorCode } from '../errors';
import { safeUrl } from '../http/redact';
import { DEFAULT_DAEMON_ADDRESS, parseDaemonAddress, type DaemonAddress } from './daemon-address';
import { DEV_DAEMON_ADDRESS } from './dev';
import { warnBadEnv, warnIgnoredEnv } from './messages';
import { nonEmpty, parseBoolean, parseInteger, parseList } from './parse';
import type { DualtraceOptions, ResolvedXRay, XRayDaemonExporterOptions } from './types';
import { validateXRayExporterOptions } from './validate';
import { resolveXRayTransport } from './xray-otlp';

type Env = Readonly<Record<string, string | undefined>>;

/** Default limit for header line + document. The X-Ray API caps a segment document at 64 kB (segment documents guide). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64_000;
/** Largest IPv4 UDP payload; Node's dgram answers EMSGSIZE above it. */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;
/** Below this there is no room for a skeleton document with a truncation marker. */
export const MIN_DOCUMENT_BYTES = 512;

/** The X-Ray values an exporter is built from: resolved and checked, never validated again downstream. */
export type XRayExporterConfig = Pick<
  ResolvedXRay,
  'daemonAddress' | 'namePattern' | 'tracingName' | 'indexedAttributes' | 'indexAllAttributes' | 'resourceMetadata' | 'maxDocumentBytes'
>;

/** Resolves the X-Ray half of `initTracing`'s configuration: options > environment > defaults, but for the tracing name. */
export function resolveXRay(options: DualtraceOptions, env: Env, warnings: string[], dev = false): ResolvedXRay {
  const x = options.xray ?? {};
  const envBool = (name: string): boolean | undefined => {
    const raw = env[name];
    const parsed = parseBoolean(raw);
    if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv(name, raw!, 'true or false'));
    return parsed;
  };
  const addressEnv = nonEmpty(env.AWS_XRAY_DAEMON_ADDRESS);
  const patternEnv = options.xrayUrl === undefined ? nonEmpty(env.AWS_XRAY_URL) : undefined;

  return {
    enabled: x.enabled ?? envBool('AWS_XRAY_SDK_ENABLED') ?? true,
    daemonAddress:
      x.daemonAddress !== undefined
        ? daemonAddressFrom(x.daemonAddress, 'xray.daemonAddress')
        : addressEnv === undefined && dev
          ? DEV_DAEMON_ADDRESS
          : orIgnored(
              () => daemonAddressFrom(addressEnv, 'AWS_XRAY_DAEMON_ADDRESS'),
              dev ? DEV_DAEMON_ADDRESS : DEFAULT_DAEMON_ADDRESS,
              dev ? 'the dev receiver' : 'the default 127.0.0.1:2000',
              warnings,
            ),
    namePattern:
      options.xrayUrl !== undefined
        ? namePatternFrom(options.xrayUrl, 'xrayUrl')
        : orIgnored(() => namePatternFrom(patternEnv, 'AWS_XRAY_URL'), undefined, 'no host pattern (segments are named after the service)', warnings),
    // The X-Ray SDK lets AWS_XRAY_TRACING_NAME override the name set in code; dualtrace keeps that rule.
    tracingName: nonEmpty(env.AWS_XRAY_TRACING_NAME) ?? nonEmpty(x.tracingName),
    indexedAttributes: x.indexedAttributes ?? parseList(env.DUALTRACE_XRAY_INDEXED_ATTRIBUTES) ?? [],
    indexAllAttributes: x.indexAllAttributes ?? envBool('DUALTRACE_XRAY_INDEX_ALL_ATTRIBUTES') ?? false,
    resourceMetadata: x.resourceMetadata ?? envBool('DUALTRACE_XRAY_RESOURCE_METADATA') ?? false,
    maxDocumentBytes: resolveMaxBytes(x.maxDocumentBytes, env, warnings),
    ...resolveXRayTransport(x, env, warnings),
  };
}

/**
 * The options of a directly constructed `XRayDaemonExporter`, checked by the same rules `initTracing` applies to its
 * `xray` options (no environment is read: a hand-built exporter takes what it is given).
 *
 * @throws {ConfigError} naming the option (`xray.<name>`, `namePattern`) when a value cannot be used
 */
export function resolveXRayExporterOptions(options: XRayDaemonExporterOptions = {}): XRayExporterConfig {
  validateXRayExporterOptions(options);
  return {
    daemonAddress: daemonAddressFrom(options.daemonAddress, 'xray.daemonAddress'),
    namePattern: namePatternFrom(options.namePattern, 'namePattern'),
    tracingName: nonEmpty(options.tracingName),
    indexedAttributes: options.indexedAttributes ?? [],
    indexAllAttributes: options.indexAllAttributes ?? false,
    resourceMetadata: options.resourceMetadata ?? false,
    maxDocumentBytes: options.maxDocumentBytes === undefined ? DEFAULT_MAX_DOCUMENT_BYTES : checkMaxDocumentBytes(options.maxDocumentBytes, 'xray.maxDocumentBytes'),
  };
}

/**
 * An environment value is a deployment's, not the code's: one that cannot be used is ignored with a warning (the
 * `ConfigError`'s own words), and `fallback` is used, so a bad variable never stops the app at start-up.
 */
function orIgnored<T>(resolve: () => T, fallback: T, fallbackText: string, warnings: string[]): T {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warnings.push(warnIgnoredEnv(error, fallbackText));
    return fallback;
  }
}

function daemonAddressFrom(value: string | undefined, option: string): DaemonAddress {
  return value === undefined ? DEFAULT_DAEMON_ADDRESS : parseDaemonAddress(value, option);
}

/** The host pattern for dynamic naming; a URL here is the usual mix-up with the daemon address, so it is refused. */
function namePatternFrom(value: string | undefined, option: string): string | undefined {
  const pattern = nonEmpty(value);
  if (pattern === undefined) return undefined;
  if (pattern.includes('://')) {
    throw new ConfigError(
      ConfigErrorCode.XRAY_URL_IS_URL,
      option,
      `looks like a URL ("${safeUrl(pattern, '****')}"), but it is the host pattern that names X-Ray segments`,
      'Give a host pattern such as "*4567-abc.ws-us89.gitpod.io*" (with * and ? wildcards). ' +
        'To say where segments are sent, use `xray.daemonAddress` or AWS_XRAY_DAEMON_ADDRESS (e.g. "127.0.0.1:2000").',
    );
  }
  return pattern;
}

/** The one range check for `maxDocumentBytes`. */
function checkMaxDocumentBytes(value: number, option: string): number {
  if (!Number.isInteger(value) || value < MIN_DOCUMENT_BYTES || value > MAX_UDP_PAYLOAD_BYTES) {
    throw new ConfigError(ConfigErrorCode.BAD_NUMBER, option, `is ${String(value)}`,
      `Use a whole number of bytes from ${MIN_DOCUMENT_BYTES} to ${MAX_UDP_PAYLOAD_BYTES} (default ${DEFAULT_MAX_DOCUMENT_BYTES}).`);
  }
  return value;
}

function resolveMaxBytes(option: number | undefined, env: Env, warnings: string[]): number {
  if (option !== undefined) return checkMaxDocumentBytes(option, 'xray.maxDocumentBytes');
  const raw = env.DUALTRACE_XRAY_MAX_DOCUMENT_BYTES;
  if (nonEmpty(raw) === undefined) return DEFAULT_MAX_DOCUMENT_BYTES;
  const parsed = parseInteger(raw);
  if (parsed !== undefined && parsed >= MIN_DOCUMENT_BYTES && parsed <= MAX_UDP_PAYLOAD_BYTES) return parsed;
  warnings.push(warnBadEnv('DUALTRACE_XRAY_MAX_DOCUMENT_BYTES', raw!, `a whole number from ${MIN_DOCUMENT_BYTES} to ${MAX_UDP_PAYLOAD_BYTES}`));
  return DEFAULT_MAX_DOCUMENT_BYTES;
}
