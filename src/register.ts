/**
 * Zero-code start: `node --import dualtrace/register app.js` (ESM) or `node --require dualtrace/register app.js` (CJS)
 * calls `initTracing()` from the environment alone (OTEL_SERVICE_NAME, HONEYCOMB_API_KEY, AWS_XRAY_DAEMON_ADDRESS, …).
 * A configuration error stops start-up with the ConfigError's message, as it would in code. It exports nothing.
 *
 * @example
 * // OTEL_SERVICE_NAME=backend-flask HONEYCOMB_API_KEY=… node --import dualtrace/register server.mjs
 * @see docs/configuration.md
 */
import { initTracing } from './init-tracing';

initTracing();
