export { TraceRequestEncoder } from './trace-request';
export { decodeTraceExportResponse, type TraceExportResponse, type TracePartialSuccess } from './trace-response';
export { createTraceSerializer, type TraceSerializer } from './serializer';
