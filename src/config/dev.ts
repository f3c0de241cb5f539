import { DEFAULT_DAEMON_ADDRESS, type DaemonAddress } from './daemon-address';
import { warnBadEnv } from './messages';
import { nonEmpty, parseBoolean } from './parse';
import type { DualtraceOptions } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The dev switch (`dev: true` or `DUALTRACE_DEV=1`) points an app at `dualtrace dev` on this machine without code
 * changes. It only fills in what is not set explicitly: an option or an endpoint variable always wins.
 * See docs/dev.md.
 */

/** Loopback, where `dualtrace dev` listens by default. */
export const DEV_HOST = '127.0.0.1';
/** The OTLP/HTTP port the OpenTelemetry specification gives receivers (OTLP exporter docs, "Endpoint URLs"). */
export const DEV_OTLP_PORT = 4318;
/** The X-Ray daemon's port, UDP for segments and TCP for sampling. */
export const DEV_XRAY_PORT = DEFAULT_DAEMON_ADDRESS.udp.port;
export const DEV_UI_PORT = 8080;
/** Base URL of the dev OTLP receiver (`/v1/traces` is appended like any Honeycomb endpoint). */
export const DEV_OTLP_ENDPOINT = `http://${DEV_HOST}:${DEV_OTLP_PORT}`;
/** The dev daemon stand-in listens where the real daemon does by default. */
export const DEV_DAEMON_ADDRESS: DaemonAddress = DEFAULT_DAEMON_ADDRESS;
/** Batches leave after 200 ms in dev (not 1 s), so a request shows in the viewer about as soon as it is answered. */
export const DEV_SCHEDULED_DELAY_MILLIS = 200;

/** `options.dev`, else `DUALTRACE_DEV` (a boolean; anything else is ignored with a warning), else off. */
export function resolveDev(options: DualtraceOptions, env: Env, warnings: string[]): boolean {
  if (options.dev !== undefined) return options.dev;
  const raw = env.DUALTRACE_DEV;
  const parsed = parseBoolean(raw);
  if (parsed === undefined && nonEmpty(raw) !== undefined) warnings.push(warnBadEnv('DUALTRACE_DEV', raw!, 'true or false (1 or 0)'));
  return parsed ?? false;
}
