import { isIP } from 'node:net';
import { ConfigError, ConfigErrorCode } from '../errors';

/**
 * One endpoint of the X-Ray daemon, as {@link parseDaemonAddress} returns it.
 *
 * @example
 * parseDaemonAddress('[::1]:2000').udp; // { host: '::1', port: 2000, family: 6 }
 * @see docs/configuration.md#daemon-address-forms
 */
export interface DaemonEndpoint {
  /** A hostname or an IP literal (IPv6 without brackets). */
  readonly host: string;
  /** 1–65535. */
  readonly port: number;
  /** 6 for IPv6 literals, 4 otherwise (hostnames resolve to IPv4 first). */
  readonly family: 4 | 6;
}

/**
 * Where segments (UDP) and sampling requests (TCP) go. Both default to 127.0.0.1:2000.
 *
 * @example
 * const address: DaemonAddress = parseDaemonAddress('udp:10.0.0.5:2000 tcp:10.0.0.5:2001');
 * address.tcp.port; // 2001
 * @see docs/configuration.md#daemon-address-forms
 */
export interface DaemonAddress {
  /** Where segment documents are sent. */
  readonly udp: DaemonEndpoint;
  /** The daemon's TCP endpoint, for its sampling API (the same as `udp` unless both are given); dualtrace sends over UDP only. */
  readonly tcp: DaemonEndpoint;
}

/** The X-Ray daemon's documented default (AWS X-Ray developer guide, "Configuring the X-Ray daemon"). */
export const DEFAULT_DAEMON_ADDRESS: DaemonAddress = Object.freeze({
  udp: Object.freeze({ host: '127.0.0.1', port: 2000, family: 4 as const }),
  tcp: Object.freeze({ host: '127.0.0.1', port: 2000, family: 4 as const }),
});

const FORMS =
  'Use "host:port" (e.g. "127.0.0.1:2000", "[::1]:2000", "xray-daemon:2000"), ' +
  'or "udp:host:port tcp:host:port" in either order.';

/**
 * Parses every form of `AWS_XRAY_DAEMON_ADDRESS`: `host:port`, `udp:host:port tcp:host:port` (either order, separated by
 * spaces and/or a comma), and IPv6 literals in brackets. Unlike the X-Ray SDK it accepts hostnames that contain
 * "udp"/"tcp" and IPv6, and it throws a `ConfigError` naming `option` rather than silently keeping the defaults.
 *
 * @param value the address as written by the user
 * @param [option='xray.daemonAddress'] the option or variable name to put in errors
 * @throws {ConfigError} `DT_CONFIG_BAD_DAEMON_ADDRESS` for anything else
 * @example
 * import { parseDaemonAddress } from 'dualtrace';
 * parseDaemonAddress('xray-daemon:2000'); // { udp: { host: 'xray-daemon', port: 2000, family: 4 }, tcp: { … } }
 * parseDaemonAddress(process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000', 'AWS_XRAY_DAEMON_ADDRESS');
 * @see docs/configuration.md#daemon-address-forms
 */
export function parseDaemonAddress(value: string, option = 'xray.daemonAddress'): DaemonAddress {
  const text = value.trim();
  const bad = (problem: string): ConfigError =>
    new ConfigError(ConfigErrorCode.BAD_DAEMON_ADDRESS, option, `"${value}" ${problem}`, FORMS);
  if (text === '') throw bad('is empty');

  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 1) {
    const part = parts[0]!;
    if (/^(udp|tcp):/i.test(part)) throw bad('names only one protocol; give both udp: and tcp: addresses, or plain host:port');
    const endpoint = parseEndpoint(part, bad);
    return { udp: endpoint, tcp: endpoint };
  }
  if (parts.length !== 2) throw bad(`has ${parts.length} parts`);

  let udp: DaemonEndpoint | undefined;
  let tcp: DaemonEndpoint | undefined;
  for (const part of parts) {
    const match = /^(udp|tcp):(.*)$/i.exec(part);
    if (!match) throw bad(`has a part "${part}" without a udp: or tcp: prefix`);
    const proto = match[1]!.toLowerCase();
    const endpoint = parseEndpoint(match[2]!, bad);
    if (proto === 'udp') {
      if (udp) throw bad('names udp twice');
      udp = endpoint;
    } else {
      if (tcp) throw bad('names tcp twice');
      tcp = endpoint;
    }
  }
  if (!udp || !tcp) throw bad('must name both a udp: and a tcp: address');
  return { udp, tcp };
}

function parseEndpoint(text: string, bad: (problem: string) => ConfigError): DaemonEndpoint {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') throw bad('has an IPv6 address without "]:port"');
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(host) !== 6) throw bad(`has "${host}", which is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw bad('has no port');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw bad('has an IPv6 address without brackets');
    if (!/^[A-Za-z0-9.-]+$/.test(host)) throw bad(`has an invalid host "${host}"`);
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad(`has an invalid port "${portText}"`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw bad(`has port ${port}, outside 1-65535`);
  return { host, port, family: isIP(host) === 6 ? 6 : 4 };
}

/** `host:port` as written in X-Ray's own format, brackets for IPv6. */
export function formatEndpoint(endpoint: DaemonEndpoint): string {
  return endpoint.family === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}
