export { TraceRequestEncoder } from './trace-request';
export { decodeTraceExportResponse, type TraceExportResponse, type TracePartialSuccess } from './trace-response';
export { OtlpTraceExporter, type OtlpTraceExporterConfig, type RequestSigner, type SignableRequest } from './otlp-trace-exporter';
export { OtlpExportError } from './export-error';
export type { RequestLimits } from './request-plan';
