import { isSpanContextValid, trace, type Link, type Span, type SpanOptions } from '@opentelemetry/api';
import { recordError } from '../trace/record-error';
import { VERSION } from '../version';

/**
 * Runs `fn` inside a new active span named `name` and ends the span when `fn` returns or its promise settles. A
 * thrown error or a rejection is recorded on the span (exception event, status ERROR) and rethrown unchanged. The
 * span is ended exactly once, even if `fn` ends it itself.
 *
 * @param name the span name (X-Ray: the subsegment name)
 * @param fn receives the span (to add attributes); may be sync or async
 * @param {SpanOptions} [options={}] kind, attributes, links, startTime, as for `tracer.startActiveSpan`
 * @returns what `fn` returns (the same promise settlement for async functions)
 * @example
 * import { withSpan } from 'dualtrace';
 * const rows = await withSpan('load activities', async (span) => {
 *   span.setAttribute('activity.count', 20);
 *   return db.query('SELECT …');
 * });
 * @see docs/api.md
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options: SpanOptions = {}): T {
  return trace.getTracer('dualtrace', VERSION).startActiveSpan(name, withValidLinks(options), (span) => {
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      if ((span as { ended?: boolean }).ended !== true) span.end();
    };
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      recordError(span, error);
      end();
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          end();
          return value;
        },
        (error: unknown) => {
          recordError(span, error);
          end();
          throw error;
        },
      ) as T;
    }
    end();
    return result;
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Links without a valid span context (easy to pass from untyped JavaScript) are left out rather than recorded. */
function withValidLinks(options: SpanOptions | null | undefined): SpanOptions {
  if (options === null || options === undefined) return {};
  const links = options.links;
  if (links === undefined || (Array.isArray(links) && links.every(isValidLink))) return options;
  return { ...options, links: Array.isArray(links) ? links.filter(isValidLink) : [] };
}

function isValidLink(link: Link | undefined): boolean {
  try {
    return link !== undefined && link !== null && isSpanContextValid(link.context);
  } catch {
    return false;
  }
}
