/**
 * Zero-code start: `node --import dualtrace/register app.js` (ESM) or `node --require dualtrace/register app.js` (CJS).
 * Every incoming `node:http`/`https` request gets a SERVER span (see docs/adapters.md#zero-code), configured from the
 * environment (OTEL_SERVICE_NAME, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS, …). If the app also calls
 * `initTracing(options)` during start-up, its options win: set-up waits for that call, or for the first request or
 * span. A configuration error in the environment stops start-up with the ConfigError's message. It exports nothing.
 *
 * @example
 * // OTEL_SERVICE_NAME=backend-flask HONEYCOMB_API_KEY=… node --import dualtrace/register server.mjs
 * @see docs/configuration.md#zero-code-start
 */
import { deferInitTracing } from './init-tracing';

deferInitTracing(process.env);
