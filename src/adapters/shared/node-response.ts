import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerSpan } from './server-span';
import type { SERVER_SPAN } from './symbols';

/** A Node request carrying its span (set by the Express and `node:http` adapters). */
export type TracedRequest = IncomingMessage & { [SERVER_SPAN]?: ServerSpan };

/** Reads a response header for `captureResponseHeaders`. */
function nodeResponseHeader(res: ServerResponse, name: string): unknown {
  return res.getHeader(name);
}

/**
 * Ends the request's span from a `node:http` response: its status when headers went out (a client that hung up
 * earlier leaves no status, and no ERROR: the server did nothing wrong).
 */
export function endFromResponse(span: ServerSpan, res: ServerResponse): void {
  span.end(res.headersSent ? res.statusCode : undefined, res, nodeResponseHeader);
}

/**
 * The HTTP status an error asks for (`status`/`statusCode` in 400–599, as Express, Koa and Fastify read it), else
 * `undefined`.
 */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status <= 599 ? status : undefined;
}
