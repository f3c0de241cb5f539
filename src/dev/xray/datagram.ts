import { DEFAULT_MAX_DOCUMENT_BYTES } from '../../config/xray';
import type { Problem } from './problem';

/** What one UDP datagram to the daemon carried, split and parsed the way the X-Ray daemon does. */
export interface Datagram {
  readonly bytes: number;
  /** The header line, when there was a newline. */
  readonly header?: string;
  /** The parsed document, when the header was accepted and the body is a JSON object. */
  readonly document?: Record<string, unknown>;
  /** The trace id the document names (even when it is malformed), to file the datagram under its trace. */
  readonly traceId?: string;
  /** `true` when the real daemon would drop the datagram before it reaches X-Ray. */
  readonly rejectedByDaemon: boolean;
  readonly problems: Problem[];
  /** The start of the body, for showing a datagram that could not be parsed. */
  readonly preview?: string;
}

const PREVIEW_CHARS = 300;

/**
 * Splits at the first newline and checks the header like the X-Ray daemon: it must be JSON with `format` "json" (any
 * case) and `version` 1; the body after it is one segment document, which the daemon forwards unread
 * (aws-xray-daemon, pkg/util SplitHeaderBody and pkg/tracesegment Header.IsValid). The body is then parsed here, as
 * PutTraceSegments will parse it.
 */
export function parseDatagram(message: Uint8Array): Datagram {
  const bytes = message.length;
  const text = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8');
  const problems: Problem[] = [];
  const newline = text.indexOf('\n');
  if (newline < 0 || newline === text.length - 1) {
    problems.push({ severity: 'error', message: 'No header line, or nothing after it: the X-Ray daemon drops this ("Missing header or segment").' });
    return { bytes, rejectedByDaemon: true, problems, preview: text.slice(0, PREVIEW_CHARS), ...traceIdOf(text) };
  }
  const header = text.slice(0, newline);
  const body = text.slice(newline + 1);
  if (!headerIsValid(header)) {
    problems.push({ severity: 'error', message: `Header ${JSON.stringify(header.slice(0, 80))} is not {"format":"json","version":1}: the X-Ray daemon drops this ("Invalid header").` });
    return { bytes, header, rejectedByDaemon: true, problems, preview: body.slice(0, PREVIEW_CHARS), ...traceIdOf(body) };
  }
  if (bytes > DEFAULT_MAX_DOCUMENT_BYTES) {
    problems.push({ severity: 'error', message: `${bytes} bytes: over X-Ray's 64 kB segment document limit (${DEFAULT_MAX_DOCUMENT_BYTES} bytes with the header line); X-Ray rejects it.` });
  }
  if (body.startsWith('T1S') || body.startsWith('T1U')) {
    problems.push({ severity: 'error', message: 'An OTLP span in the Lambda X-Ray endpoint format (T1S/T1U + base64): only AWS Lambda reads these; the X-Ray daemon forwards them unread and X-Ray rejects them.' });
    return { bytes, header, rejectedByDaemon: false, problems, preview: body.slice(0, PREVIEW_CHARS) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    problems.push({ severity: 'error', message: `The document is not JSON (${(error as Error).message}); X-Ray rejects it.` });
    return { bytes, header, rejectedByDaemon: false, problems, preview: body.slice(0, PREVIEW_CHARS), ...traceIdOf(body) };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    problems.push({ severity: 'error', message: `The document is ${what}, not one segment object: the daemon sends one document per datagram.` });
    return { bytes, header, rejectedByDaemon: false, problems, preview: body.slice(0, PREVIEW_CHARS), ...traceIdOf(body) };
  }
  const document = parsed as Record<string, unknown>;
  return { bytes, header, document, rejectedByDaemon: false, problems, ...(typeof document.trace_id === 'string' ? { traceId: document.trace_id } : {}) };
}

function headerIsValid(header: string): boolean {
  try {
    const h = JSON.parse(header) as { format?: unknown; version?: unknown };
    return typeof h.format === 'string' && h.format.toLowerCase() === 'json' && h.version === 1;
  } catch {
    return false;
  }
}

/** The daemon itself finds trace ids in text this way when it logs a rejected document (pkg/processor). */
function traceIdOf(text: string): { traceId?: string } {
  const match = /"trace_id"\s*:\s*"([^"]{1,64})"/.exec(text);
  return match ? { traceId: match[1]! } : {};
}
