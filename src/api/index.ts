export { annotate } from './annotate';
export { setUser } from './set-user';
export { withSpan } from './with-span';
export { traceLinks } from './trace-links';
export type { AnnotationValue } from '../trace/annotations';
export type { TraceLinks, TraceLinksOptions } from './trace-links';
