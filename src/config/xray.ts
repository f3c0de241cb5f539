import { ConfigError, ConfigErrorCode } from '../errors';
import { DEFAULT_DAEMON_ADDRESS, parseDaemonAddress } from './daemon-address';
import { resolveMaxDocumentBytes } from '../exporters/xray/exporter-options';
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_UDP_PAYLOAD_BYTES, MIN_DOCUMENT_BYTES } from '../exporters/xray/pack/packer';
import type { DualtraceOptions, ResolvedXRay } from './types';
import { nonEmpty, parseBoolean, parseInteger, parseList } from './parse';
import { warnBadEnv } from './messages';

type Env = Readonly<Record<string, string | undefined>>;

export function resolveXRay(options: DualtraceOptions, env: Env, warnings: string[]): ResolvedXRay {
  const x = options.xray ?? {};
  const envBool = (name: string): boolean | undefined => {
    const raw = env[name];
    const parsed = parseBoolean(raw);
    if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv(name, raw!, 'true or false'));
    return parsed;
  };

  const addressOption = x.daemonAddress;
  const addressEnv = nonEmpty(env.AWS_XRAY_DAEMON_ADDRESS);
  const daemonAddress =
    addressOption !== undefined
      ? parseDaemonAddress(addressOption, 'xray.daemonAddress')
      : addressEnv !== undefined
        ? parseDaemonAddress(addressEnv, 'AWS_XRAY_DAEMON_ADDRESS')
        : DEFAULT_DAEMON_ADDRESS;

  return {
    enabled: x.enabled ?? envBool('AWS_XRAY_SDK_ENABLED') ?? true,
    daemonAddress,
    namePattern: resolveNamePattern(options.xrayUrl, env),
    // The X-Ray SDK lets AWS_XRAY_TRACING_NAME override the name set in code; dualtrace keeps that rule.
    tracingName: nonEmpty(env.AWS_XRAY_TRACING_NAME) ?? nonEmpty(x.tracingName),
    indexedAttributes: x.indexedAttributes ?? parseList(env.DUALTRACE_XRAY_INDEXED_ATTRIBUTES) ?? [],
    indexAllAttributes: x.indexAllAttributes ?? envBool('DUALTRACE_XRAY_INDEX_ALL_ATTRIBUTES') ?? false,
    resourceMetadata: x.resourceMetadata ?? envBool('DUALTRACE_XRAY_RESOURCE_METADATA') ?? false,
    maxDocumentBytes: resolveMaxBytes(x.maxDocumentBytes, env, warnings),
  };
}

function resolveNamePattern(option: string | undefined, env: Env): string | undefined {
  const fromOption = option !== undefined;
  const value = fromOption ? nonEmpty(option) : nonEmpty(env.AWS_XRAY_URL);
  if (value === undefined) return undefined;
  if (value.includes('://')) {
    throw new ConfigError(
      ConfigErrorCode.XRAY_URL_IS_URL,
      fromOption ? 'xrayUrl' : 'AWS_XRAY_URL',
      `looks like a URL ("${value.replace(/\/\/[^/@\s]*@/, '//****@')}"), but it is the host pattern that names X-Ray segments`,
      'Give a host pattern such as "*4567-abc.ws-us89.gitpod.io*" (with * and ? wildcards). ' +
        'To say where segments are sent, use `xray.daemonAddress` or AWS_XRAY_DAEMON_ADDRESS (e.g. "127.0.0.1:2000").',
    );
  }
  return value;
}

function resolveMaxBytes(option: number | undefined, env: Env, warnings: string[]): number {
  if (option !== undefined) return resolveMaxDocumentBytes(option);
  const raw = env.DUALTRACE_XRAY_MAX_DOCUMENT_BYTES;
  if (nonEmpty(raw) === undefined) return DEFAULT_MAX_DOCUMENT_BYTES;
  const parsed = parseInteger(raw);
  try {
    return resolveMaxDocumentBytes(parsed ?? Number.NaN, 'DUALTRACE_XRAY_MAX_DOCUMENT_BYTES');
  } catch {
    warnings.push(warnBadEnv('DUALTRACE_XRAY_MAX_DOCUMENT_BYTES', raw!, `a whole number from ${MIN_DOCUMENT_BYTES} to ${MAX_UDP_PAYLOAD_BYTES}`));
    return DEFAULT_MAX_DOCUMENT_BYTES;
  }
}
