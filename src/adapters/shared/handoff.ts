/**
 * How zero-code tracing and the adapters share one span per request. Zero-code tracing starts the span before any
 * adapter runs; an adapter finds it (on Node's request under SERVER_SPAN, or through the context key below when it
 * sees only a Fetch `Request`) and takes it over. Both live in process-wide places (a registered context key, a Symbol
 * on globalThis), since each subpath bundle has its own copy of this module.
 */
import { context, createContextKey } from '@opentelemetry/api';

/** The context key under which a zero-code span puts itself; createContextKey registers the Symbol (Symbol.for). */
export const ADOPTABLE_SPAN = createContextKey('dualtrace.adoptable-server-span');

interface Adoptable {
  readonly adoptable: boolean;
  readonly isEnded: boolean;
}

/**
 * The zero-code span active here that no adapter has taken over yet, or `undefined`: a Fetch handler served by a Node
 * server (@hono/node-server, Next.js) runs inside the span zero-code tracing started for that Node request.
 */
export function activeAdoptableSpan<T extends Adoptable>(): T | undefined {
  const span = context.active().getValue(ADOPTABLE_SPAN) as T | undefined;
  return span !== undefined && span.adoptable === true && !span.isEnded ? span : undefined;
}

/**
 * An adapter's `ignorePaths` is registered process-wide and consulted by zero-code tracing before it starts a span:
 * by the time an adapter sees an ignored request, its span would already exist.
 */
const IGNORED_PATHS = Symbol.for('dualtrace.ignored-paths');
type IgnoreSlot = { [IGNORED_PATHS]?: Set<(path: string) => boolean> };

export function registerIgnoredPaths(ignore: (path: string) => boolean): void {
  ((globalThis as IgnoreSlot)[IGNORED_PATHS] ??= new Set()).add(ignore);
}

/** Whether any adapter created in this process ignores `path` (zero-code tracing's `ignorePaths`). */
export function isIgnoredByAnyAdapter(path: string): boolean {
  const all = (globalThis as IgnoreSlot)[IGNORED_PATHS];
  if (all === undefined) return false;
  for (const ignore of all) if (ignore(path)) return true;
  return false;
}
