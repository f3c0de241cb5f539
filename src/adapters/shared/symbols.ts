/**
 * Per-request state lives under registered Symbols (never string properties), so separate subpath bundles (each with
 * its own copy of this module) agree on the keys, and nothing shows up in `JSON.stringify(req)` or `for…in`.
 */

/** The request's `ServerSpan` (on Node's `IncomingMessage`, Fastify's request, Koa's/Hono's context). */
export const SERVER_SPAN = Symbol.for('dualtrace.server-span');

/**
 * Set to `true` on a server whose requests zero-code tracing leaves alone: `dualtrace dev`'s receivers and UI, which
 * would otherwise trace, in a traced process, the very exports and page loads that the viewer shows.
 */
export const UNTRACED_SERVER = Symbol.for('dualtrace.untraced-server');
