import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { DEFAULT_DAEMON_ADDRESS, formatEndpoint, parseDaemonAddress } from './daemon-address';

const v4 = (host: string, port: number) => ({ host, port, family: 4 });
const v6 = (host: string, port: number) => ({ host, port, family: 6 });

describe('parseDaemonAddress', () => {
  it.each([
    ['127.0.0.1:2000', v4('127.0.0.1', 2000), v4('127.0.0.1', 2000)],
    ['  localhost:3000 ', v4('localhost', 3000), v4('localhost', 3000)],
    ['xray-daemon:2000', v4('xray-daemon', 2000), v4('xray-daemon', 2000)],
    ['xray-udp-daemon:2000', v4('xray-udp-daemon', 2000), v4('xray-udp-daemon', 2000)],
    ['tcp-proxy.internal:2000', v4('tcp-proxy.internal', 2000), v4('tcp-proxy.internal', 2000)],
    ['[::1]:2000', v6('::1', 2000), v6('::1', 2000)],
    ['udp:127.0.0.1:3000 tcp:10.0.0.2:2001', v4('127.0.0.1', 3000), v4('10.0.0.2', 2001)],
    ['tcp:10.0.0.2:2001 udp:127.0.0.1:3000', v4('127.0.0.1', 3000), v4('10.0.0.2', 2001)],
    ['tcp:1.2.3.4:8082, udp:127.0.0.1:3000', v4('127.0.0.1', 3000), v4('1.2.3.4', 8082)],
    ['tcp:1.2.3.4:8082,udp:127.0.0.1:3000', v4('127.0.0.1', 3000), v4('1.2.3.4', 8082)],
    ['UDP:[::1]:2000 TCP:udp-host:2000', v6('::1', 2000), v4('udp-host', 2000)],
  ])('should parse %j', (value, udp, tcp) => {
    expect(parseDaemonAddress(value)).toEqual({ udp, tcp });
  });

  it.each([
    '', '   ', '127.0.0.1', 'host:', 'host:abc', 'host:0', 'host:65536', 'udp:127.0.0.1:2000',
    'udp:127.0.0.1:2000 udp:127.0.0.1:2001', 'udp:a:1 tcp:b:2 udp:c:3', 'udp:a:1 b:2', '::1:2000', '[::1]2000',
    '[127.0.0.1]:2000', 'http://127.0.0.1:2000', 'host name:2000',
  ])('should reject %j with DT_CONFIG_BAD_DAEMON_ADDRESS naming the option', (value) => {
    let error: unknown;
    try {
      parseDaemonAddress(value, 'AWS_XRAY_DAEMON_ADDRESS');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'DT_CONFIG_BAD_DAEMON_ADDRESS', option: 'AWS_XRAY_DAEMON_ADDRESS' });
  });

  it('should default to 127.0.0.1:2000 and format IPv6 with brackets', () => {
    expect(formatEndpoint(DEFAULT_DAEMON_ADDRESS.udp)).toBe('127.0.0.1:2000');
    expect(formatEndpoint(parseDaemonAddress('[::1]:2000').udp)).toBe('[::1]:2000');
  });
});
