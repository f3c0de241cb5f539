import { ConfigError, ConfigErrorCode } from '../../errors';
import { DEFAULT_DAEMON_ADDRESS, parseDaemonAddress, type DaemonAddress, type DaemonEndpoint } from '../../config/daemon-address';
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_UDP_PAYLOAD_BYTES, MIN_DOCUMENT_BYTES } from './pack/packer';
import type { TranslatorOptions } from './translate';

/** Options of {@link XRayDaemonExporter}. Every field is optional. */
export interface XRayDaemonExporterOptions extends TranslatorOptions {
  /**
   * Where the X-Ray daemon listens: `host:port`, `[::1]:2000`, `udp:host:port tcp:host:port` (either order), or an
   * already parsed {@link DaemonAddress}. Only the UDP endpoint is used here. Default `127.0.0.1:2000`.
   */
  daemonAddress?: string | DaemonAddress;
  /** Limit for one datagram (header line + document) in UTF-8 bytes, 512–65,507. Default 64,000. */
  maxDocumentBytes?: number;
}

/** What the exporter needs from its options, validated once at construction. */
export interface ResolvedExporterOptions {
  readonly endpoint: DaemonEndpoint;
  readonly maxDocumentBytes: number;
}

/** @throws {ConfigError} naming the option (`xray.<name>`) when a value cannot be used */
export function resolveExporterOptions(options: XRayDaemonExporterOptions): ResolvedExporterOptions {
  checkTranslatorOptions(options);
  return { endpoint: resolveEndpoint(options.daemonAddress), maxDocumentBytes: resolveMaxDocumentBytes(options.maxDocumentBytes) };
}

/** Type checks for callers without TypeScript (initTracing's resolveConfig validates values further). */
function checkTranslatorOptions(options: XRayDaemonExporterOptions): void {
  const bad = (name: string, expected: string): ConfigError =>
    new ConfigError(ConfigErrorCode.INVALID_TYPE, `xray.${name}`, `must be ${expected}`, `Pass ${expected} or leave it unset.`);
  for (const name of ['namePattern', 'tracingName'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') throw bad(name, 'a string');
  }
  for (const name of ['indexAllAttributes', 'resourceMetadata'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw bad(name, 'a boolean');
  }
  const indexed = options.indexedAttributes;
  if (indexed !== undefined && (!Array.isArray(indexed) || !indexed.every((key) => typeof key === 'string'))) {
    throw bad('indexedAttributes', 'an array of attribute keys (strings)');
  }
}

function resolveEndpoint(value: string | DaemonAddress | undefined): DaemonEndpoint {
  if (value === undefined) return DEFAULT_DAEMON_ADDRESS.udp;
  if (typeof value === 'string') return parseDaemonAddress(value, 'xray.daemonAddress').udp;
  const udp = (value as Partial<DaemonAddress> | null)?.udp;
  if (!udp || typeof udp.host !== 'string' || udp.host === '' || !Number.isInteger(udp.port) ||
      udp.port < 1 || udp.port > 65535 || (udp.family !== 4 && udp.family !== 6)) {
    throw new ConfigError(ConfigErrorCode.INVALID_TYPE, 'xray.daemonAddress', 'is not a valid daemon address',
      'Pass a string such as "127.0.0.1:2000", or the result of parseDaemonAddress().');
  }
  return udp;
}

/** The one range check for `maxDocumentBytes`, used by the exporter and by `resolveConfig` (with its own option name). */
export function resolveMaxDocumentBytes(value: number | undefined, option = 'xray.maxDocumentBytes'): number {
  if (value === undefined) return DEFAULT_MAX_DOCUMENT_BYTES;
  if (!Number.isInteger(value) || value < MIN_DOCUMENT_BYTES || value > MAX_UDP_PAYLOAD_BYTES) {
    throw new ConfigError(ConfigErrorCode.BAD_NUMBER, option, `is ${String(value)}`,
      `Use a whole number of bytes from ${MIN_DOCUMENT_BYTES} to ${MAX_UDP_PAYLOAD_BYTES} (default ${DEFAULT_MAX_DOCUMENT_BYTES}).`);
  }
  return value;
}
