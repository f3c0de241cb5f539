/**
 * How an OTLP export failed, in the shape the guarded exporter and the backends' `describe…Error` functions read:
 * `code` is the HTTP status (a number) or a Node error code (`ECONNREFUSED`, `ETIMEDOUT`, …, a string), and
 * `droppedSpans` says how many spans of the batch were lost when that is not all of them (a 413 that cost only the one
 * span too large to send alone, a partial success).
 */
export class OtlpExportError extends Error {
  /** The start of the endpoint's answer to an error status (printable ASCII, at most 300 characters), for advice. */
  body?: string;

  constructor(
    message: string,
    readonly code: number | string,
    readonly droppedSpans?: number,
  ) {
    super(message);
    this.name = 'OtlpExportError';
  }
}

/** The error code of anything thrown or returned, if it has one. */
export function errorCode(error: unknown): number | string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}
