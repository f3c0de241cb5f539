/**
 * The OTLP/HTTP receiver: `POST /v1/traces` with a protobuf or JSON body, gzip or not, answered as a collector (and
 * Honeycomb) would: 200 with an empty ExportTraceServiceResponse in the request's encoding; 400 for a body that does
 * not decode, 413 above the size limit, 415 for another content type.
 * https://opentelemetry.io/docs/specs/otlp/#otlphttp
 *
 * The Honeycomb key is never kept or shown: only its kind (Classic or environment), which decides the dataset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { honeycombKeyKind } from '../../config/honeycomb';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import { decodeTraceRequestProto } from '../otlp/decode-proto';
import { OtlpDecodeError, type TraceRequest } from '../otlp/types';
import type { Delivery } from '../store/trace-store';
import { readBody } from './body';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export const TRACES_PATH = '/v1/traces';

export interface OtlpReceiverStats {
  /** Requests answered 4xx, by status. */
  refused: Record<number, number>;
  /** Requests to other OTLP signals (/v1/metrics, /v1/logs), answered 404. */
  otherSignals: number;
}

/** Browser apps (OpenTelemetry web) post across origins; the preflight is answered so they can send here too. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type, content-encoding, x-honeycomb-team, x-honeycomb-dataset, traceparent, tracestate',
};

export function createOtlpHandler(accept: (request: TraceRequest, delivery: Delivery) => void, maxBodyBytes: number, stats: OtlpReceiverStats) {
  const refuse = (res: ServerResponse, status: number, message: string): void => {
    stats.refused[status] = (stats.refused[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...CORS }).end(`${message}\n`);
  };

  return async function handleOtlp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    if (path !== TRACES_PATH) {
      if (path === '/v1/metrics' || path === '/v1/logs') stats.otherSignals++;
      refuse(res, 404, `dualtrace dev receives traces only, at POST ${TRACES_PATH}.`);
      return;
    }
    if (req.method !== 'POST') return refuse(res, 405, `Use POST ${TRACES_PATH}.`);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const json = type === 'application/json';
    if (!json && type !== 'application/x-protobuf' && type !== 'application/protobuf') {
      return refuse(res, 415, 'Send application/x-protobuf or application/json.');
    }
    let body = await readBody(req, maxBodyBytes);
    if (body === undefined) return refuse(res, 413, `The request is larger than ${maxBodyBytes} bytes (--max-request-bytes).`);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    try {
      if (encoding === 'gzip') body = await gunzipAsync(body, { maxOutputLength: maxBodyBytes });
      else if (encoding === 'deflate') body = await inflateAsync(body, { maxOutputLength: maxBodyBytes });
      else if (encoding !== 'identity') return refuse(res, 415, `Content-Encoding ${encoding} is not supported (gzip, deflate or none).`);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return refuse(res, 413, `The request is larger than ${maxBodyBytes} bytes once decompressed.`);
      return refuse(res, 400, `The body is not valid ${encoding}.`);
    }
    let request: TraceRequest;
    try {
      request = json ? decodeTraceRequestJson(JSON.parse(body.toString('utf8'))) : decodeTraceRequestProto(body);
    } catch (error) {
      if (error instanceof OtlpDecodeError || error instanceof SyntaxError) return refuse(res, 400, `Not an OTLP trace request: ${error.message}`);
      throw error;
    }
    accept(request, delivery(req, json));
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf', ...CORS }).end(json ? '{}' : '');
  };
}

function delivery(req: IncomingMessage, json: boolean): Delivery {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const dataset = header('x-honeycomb-dataset')?.trim();
  return {
    keyKind: honeycombKeyKind(header('x-honeycomb-team')?.trim()),
    ...(dataset ? { dataset } : {}),
    encoding: json ? 'json' : 'protobuf',
  };
}
