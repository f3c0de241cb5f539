import { ConfigError, ConfigErrorCode } from '../errors';
import { ENDPOINT_FIX, parseEndpoint, withTracesPath } from './honeycomb-endpoint';
import { warnBadEnv, warnIgnoredEnv } from './messages';
import { nonEmpty, parseBoolean, parseInteger } from './parse';
import type { ResolvedXRayOtlp, XRayOptions, XRayTransport } from './types';
import { XRAY_TRANSPORTS } from './validate';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_XRAY_OTLP_TIMEOUT_MILLIS = 10_000;
/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, … (letters, digits, dashes). */
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;
/** X-Ray's OTLP endpoint (CloudWatch OTLP endpoints guide): the region is the host's second label. */
const XRAY_HOST = /^xray\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

export interface ResolvedTransport {
  readonly transport: XRayTransport;
  readonly region: string | undefined;
  readonly otlp: ResolvedXRayOtlp | undefined;
}

/**
 * The X-Ray transport, its endpoint, region and signing. Options throw `ConfigError`; an environment value that cannot
 * be used is ignored with a warning, and if that leaves `DUALTRACE_XRAY_TRANSPORT=otlp` without what it needs (a
 * region), the daemon transport stays in use, with a warning.
 */
export function resolveXRayTransport(x: XRayOptions, env: Env, warnings: string[]): ResolvedTransport {
  const transportEnv = envTransport(env, warnings);
  const transport = x.transport ?? transportEnv ?? 'daemon';
  const fromOptions = x.transport !== undefined || x.endpoint !== undefined || x.region !== undefined || x.sigv4 !== undefined;

  const endpoint = x.endpoint !== undefined ? parseEndpoint(x.endpoint, 'xray.endpoint', ENDPOINT_FIX.xray) : envEndpoint(env, warnings);
  const regionOption = x.region === undefined ? undefined : checkRegion(x.region);
  const hostRegion = endpoint === undefined ? undefined : XRAY_HOST.exec(endpoint.hostname)?.[1];
  const region = regionOption ?? hostRegion ?? envRegion(env, 'AWS_REGION', warnings) ?? envRegion(env, 'AWS_DEFAULT_REGION', warnings);
  if (transport === 'daemon') {
    unusedOnTheDaemon(x, env, endpoint !== undefined, warnings);
    return { transport, region, otlp: undefined };
  }

  const url = endpoint !== undefined ? withTracesPath(endpoint, true) : region !== undefined ? defaultEndpoint(region) : undefined;
  const sigv4 = x.sigv4 ?? envSigV4(env, warnings) ?? (url !== undefined && isAwsHost(new URL(url).hostname));
  if (url === undefined || (sigv4 && region === undefined)) {
    const problem = new ConfigError(
      ConfigErrorCode.XRAY_REGION_REQUIRED,
      'xray.region',
      url === undefined ? 'is needed for the X-Ray OTLP endpoint, and none was found' : 'is needed to sign requests (SigV4), and none was found',
      'Set `xray: { region: "eu-west-1" }`, AWS_REGION or AWS_DEFAULT_REGION (or `xray.endpoint`).',
    );
    if (fromOptions) throw problem;
    warnings.push(warnIgnoredEnv(problem, 'the daemon transport (DUALTRACE_XRAY_TRANSPORT=otlp needs a region)'));
    return { transport: 'daemon', region, otlp: undefined };
  }
  return { transport, region, otlp: { url, sigv4, timeoutMillis: timeout(x.timeoutMillis, env, warnings) } };
}

/** The OTLP transport's own settings, which nothing reads while X-Ray goes to the daemon. */
const OTLP_ONLY = ['endpoint', 'sigv4', 'timeoutMillis'] as const;

/**
 * Settings of the OTLP transport while X-Ray goes to the daemon would be dropped without a word, and X-Ray's spans sent
 * over UDP where the user meant an agent or X-Ray's endpoint: an option throws (unless the environment chose the
 * daemon: then it is a warning, since an environment value never stops the app), a variable is warned about.
 */
function unusedOnTheDaemon(x: XRayOptions, env: Env, endpointSet: boolean, warnings: string[]): void {
  const option = OTLP_ONLY.find((name) => x[name] !== undefined);
  const envChoseDaemon = x.transport === undefined && nonEmpty(env.DUALTRACE_XRAY_TRANSPORT) !== undefined;
  if (option !== undefined) {
    const problem = new ConfigError(
      ConfigErrorCode.BAD_VALUE,
      `xray.${option}`,
      `is a setting of the OTLP transport, but X-Ray goes to the daemon (${envChoseDaemon ? 'DUALTRACE_XRAY_TRANSPORT' : 'xray.transport'} is not "otlp")`,
      "Add `transport: 'otlp'` to the `xray` options, or leave it out (the daemon's address is `xray.daemonAddress`).",
    );
    if (!envChoseDaemon) throw problem;
    warnings.push(warnIgnoredEnv(problem, 'the daemon transport, as DUALTRACE_XRAY_TRANSPORT says'));
    return;
  }
  const variable = endpointSet ? 'DUALTRACE_XRAY_ENDPOINT' : parseBoolean(env.DUALTRACE_XRAY_SIGV4) !== undefined ? 'DUALTRACE_XRAY_SIGV4' : undefined;
  if (variable !== undefined) {
    warnings.push(`Ignoring ${variable}: it is a setting of the OTLP transport, but X-Ray goes to the daemon. Set DUALTRACE_XRAY_TRANSPORT=otlp to use it.`);
  }
}

/** `https://xray.<region>.amazonaws.com/v1/traces`; the China partition's domain ends in `.com.cn`. */
export function defaultEndpoint(region: string): string {
  return `https://xray.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/v1/traces`;
}

export function isAwsHost(hostname: string): boolean {
  return hostname.endsWith('.amazonaws.com') || hostname.endsWith('.amazonaws.com.cn');
}

function envTransport(env: Env, warnings: string[]): XRayTransport | undefined {
  const raw = nonEmpty(env.DUALTRACE_XRAY_TRANSPORT);
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if ((XRAY_TRANSPORTS as readonly string[]).includes(value)) return value as XRayTransport;
  warnings.push(warnBadEnv('DUALTRACE_XRAY_TRANSPORT', raw, XRAY_TRANSPORTS.join(' or ')));
  return undefined;
}

function envEndpoint(env: Env, warnings: string[]): URL | undefined {
  const raw = nonEmpty(env.DUALTRACE_XRAY_ENDPOINT);
  if (raw === undefined) return undefined;
  try {
    return parseEndpoint(raw, 'DUALTRACE_XRAY_ENDPOINT', ENDPOINT_FIX.xray);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warnings.push(warnIgnoredEnv(error, 'the endpoint of the region'));
    return undefined;
  }
}

function envSigV4(env: Env, warnings: string[]): boolean | undefined {
  const raw = env.DUALTRACE_XRAY_SIGV4;
  const parsed = parseBoolean(raw);
  if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv('DUALTRACE_XRAY_SIGV4', raw!, 'true or false'));
  return parsed;
}

function envRegion(env: Env, name: string, warnings: string[]): string | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined || REGION.test(raw)) return raw;
  warnings.push(warnBadEnv(name, raw, 'an AWS region such as eu-west-1'));
  return undefined;
}

function checkRegion(value: string): string {
  const region = value.trim();
  if (!REGION.test(region)) {
    throw new ConfigError(ConfigErrorCode.BAD_VALUE, 'xray.region', `is ${JSON.stringify(value)}`, 'Use an AWS region such as "eu-west-1".');
  }
  return region;
}

/** `xray.timeoutMillis`, else `DUALTRACE_XRAY_TIMEOUT` (ignored with a warning when unusable), else 10 s. */
function timeout(option: number | undefined, env: Env, warnings: string[]): number {
  if (option === undefined) {
    const raw = nonEmpty(env.DUALTRACE_XRAY_TIMEOUT);
    const parsed = parseInteger(raw, 1);
    if (raw !== undefined && parsed === undefined) warnings.push(warnBadEnv('DUALTRACE_XRAY_TIMEOUT', raw, 'a positive whole number of milliseconds'));
    return parsed ?? DEFAULT_XRAY_OTLP_TIMEOUT_MILLIS;
  }
  if (!Number.isInteger(option) || option <= 0) {
    throw new ConfigError(ConfigErrorCode.BAD_NUMBER, 'xray.timeoutMillis', `is ${option}`, 'Use a positive whole number of milliseconds, e.g. 10000.');
  }
  return option;
}
