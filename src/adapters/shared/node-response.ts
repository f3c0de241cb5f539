import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerSpan } from './server-span';
import { SERVER_SPAN } from './symbols';

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
 * Ends the span held by `res.req` when the response has been sent or the connection closed (an aborted client).
 * The listener is one static function that reads the span from `res.req`: no closure per request.
 */
export function endWithResponse(res: ServerResponse): void {
  res.on('finish', onResponseDone);
  res.on('close', onResponseDone);
}

function onResponseDone(this: ServerResponse): void {
  const span = (this.req as TracedRequest | undefined)?.[SERVER_SPAN];
  if (span === undefined || span.isEnded) return;
  endFromResponse(span, this);
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
