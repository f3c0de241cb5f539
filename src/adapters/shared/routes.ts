/**
 * Route templates from what frameworks expose publicly on their request objects, read once routing is done. Used by
 * the adapters and by zero-code server tracing (which sees only Node's `IncomingMessage`).
 */

/** What Express 4 and 5 put on the request once a route matched (the request object is Node's `IncomingMessage`). */
export interface ExpressRouteFields {
  route?: { path?: unknown };
  baseUrl?: string;
  originalUrl?: string;
}

/**
 * `req.baseUrl` + `req.route.path` once a route matched (string paths only; arrays and RegExps are left out). When an
 * error left a router, Express has already restored `req.baseUrl` to the parent's: the mount prefix is then what the
 * URL has before the route's own segments (the same actual prefix `baseUrl` would have held).
 */
export function expressRoute(req: ExpressRouteFields): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  let base = req.baseUrl ?? '';
  if (base === '' && !MULTI_SEGMENT_RE.test(path)) base = mountPrefix(req.originalUrl, path);
  if (base === '') return path;
  return path === '/' ? base : base + path;
}

// Route syntax that can match more or fewer segments than it has (wildcards, optional parts, regex groups).
const MULTI_SEGMENT_RE = /[*?(){}+]/;

function mountPrefix(originalUrl: string | undefined, routePath: string): string {
  if (originalUrl === undefined) return '';
  const q = originalUrl.indexOf('?');
  const urlSegments = (q < 0 ? originalUrl : originalUrl.slice(0, q)).split('/').filter((x) => x !== '');
  const routeSegments = routePath.split('/').filter((x) => x !== '').length;
  if (urlSegments.length <= routeSegments) return '';
  return '/' + urlSegments.slice(0, urlSegments.length - routeSegments).join('/');
}

/** What Fastify puts on its request: `routeOptions` (v5, and 4.x since 4.10), `routerPath` on older 4.x. */
export interface FastifyRouteFields {
  readonly routeOptions?: unknown;
  readonly routerPath?: string;
}

/** The Fastify route template (`/users/:id`); `undefined` for the 404 handler. */
export function fastifyRoute(request: FastifyRouteFields): string | undefined {
  // `routerPath` only where routeOptions is missing, since 4.x warns (FSTDEP017) when it is read.
  const options = request.routeOptions as { url?: unknown } | undefined;
  if (options !== undefined) return typeof options.url === 'string' ? options.url : undefined;
  return request.routerPath;
}
