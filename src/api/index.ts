export { annotate } from './annotate';
export { setUser } from './set-user';
export { withSpan } from './with-span';
export { traceLinks } from './trace-links';
export type { AnnotationValue } from './annotate';
export type { TraceLinks, TraceLinksOptions } from './trace-links';
