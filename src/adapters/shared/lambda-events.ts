/**
 * Recognises the Lambda event shapes the wrapper treats as HTTP requests, and turns them into what the shared server
 * span needs (a Fetch `Request` without body, plus the route template). Shapes (AWS Lambda developer guide):
 * - API Gateway REST (payload 1.0): `httpMethod`, `path`, `resource`, `requestContext.stage`, (multiValue)headers;
 * - API Gateway HTTP API (payload 2.0) and function URLs: `version: '2.0'`, `rawPath`, `rawQueryString`,
 *   `requestContext.http.method`, `routeKey` (`'GET /items/{id}'`; function URLs and catch-alls: `'$default'`);
 * - ALB target groups: `requestContext.elb`, `httpMethod`, `path`, query values as sent (still URL-encoded).
 * Anything else is a plain invocation; `faas.trigger` is guessed from well-known record sources.
 */

export type LambdaHttpSource = 'api-gateway-rest' | 'api-gateway-http' | 'function-url' | 'alb';
export type FaasTrigger = 'http' | 'pubsub' | 'datasource' | 'timer' | 'other';

export interface LambdaHttpRequest {
  readonly source: LambdaHttpSource;
  readonly method: string;
  /** `https://host/path?query`, for a Fetch `Request`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Route template (`/items/{id}`), when the trigger matched one. */
  readonly route: string | undefined;
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The HTTP request an event carries, or `undefined` for a non-HTTP event. Never throws. */
export function httpRequestOf(event: unknown): LambdaHttpRequest | undefined {
  const e = obj(event);
  const rc = obj(e?.requestContext);
  if (e === undefined || rc === undefined) return undefined;
  const headers = headersOf(e);
  const http2 = obj(rc.http);
  if (e.version === '2.0' && http2 !== undefined) {
    const method = text(http2.method) ?? 'GET';
    const domain = text(rc.domainName) ?? headers.host ?? 'localhost';
    const routeKey = text(e.routeKey);
    const route = routeKey === undefined || routeKey === '$default' ? undefined : routeKey.slice(routeKey.indexOf(' ') + 1);
    const query = text(e.rawQueryString) ?? '';
    return {
      source: domain.includes('.lambda-url.') ? 'function-url' : 'api-gateway-http',
      method,
      url: buildUrl(headers, domain, text(e.rawPath) ?? text(http2.path) ?? '/', query),
      headers,
      route,
    };
  }
  const method = text(e.httpMethod);
  if (method === undefined) return undefined;
  const path = text(e.path) ?? '/';
  if (obj(rc.elb) !== undefined) {
    return { source: 'alb', method, url: buildUrl(headers, headers.host ?? 'localhost', path, rawQuery(e)), headers, route: undefined };
  }
  const domain = headers.host ?? text(rc.domainName) ?? 'localhost';
  return { source: 'api-gateway-rest', method, url: buildUrl(headers, domain, path, encodedQuery(e)), headers, route: text(e.resource) };
}

/** Lower-cased single-valued headers (multi-valued ones joined with `, `, as HTTP allows). */
export function headersOf(event: unknown): Record<string, string> {
  const e = obj(event);
  const out: Record<string, string> = {};
  const multi = obj(e?.multiValueHeaders);
  if (multi !== undefined) {
    for (const [name, values] of Object.entries(multi)) {
      if (Array.isArray(values)) out[name.toLowerCase()] = values.map(String).join(', ');
    }
  }
  const single = obj(e?.headers);
  if (single !== undefined) {
    for (const [name, value] of Object.entries(single)) {
      if (typeof value === 'string' && !(name.toLowerCase() in out)) out[name.toLowerCase()] = value;
    }
  }
  return out;
}

/** `faas.trigger` for a non-HTTP event, from the record source (SQS/SNS/Kinesis/DynamoDB/S3) or EventBridge. */
export function triggerOf(event: unknown): FaasTrigger {
  const e = obj(event);
  if (e === undefined) return 'other';
  if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') return 'timer';
  const first = Array.isArray(e.Records) ? obj(e.Records[0]) : undefined;
  const source = text(first?.eventSource) ?? text(first?.EventSource);
  if (source === 'aws:sqs' || source === 'aws:sns') return 'pubsub';
  if (source === 'aws:dynamodb' || source === 'aws:kinesis' || source === 'aws:s3') return 'datasource';
  return 'other';
}

function buildUrl(headers: Record<string, string>, host: string, path: string, query: string): string {
  const proto = headers['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase() === 'http' ? 'http' : 'https';
  const safePath = path.startsWith('/') ? path : `/${path}`;
  return `${proto}://${host}${safePath}${query === '' ? '' : `?${query}`}`;
}

/** REST API: decoded (multi)value parameters, re-encoded. */
function encodedQuery(e: Json): string {
  const params = new URLSearchParams();
  const multi = obj(e.multiValueQueryStringParameters);
  const single = obj(e.queryStringParameters);
  if (multi !== undefined) {
    for (const [k, values] of Object.entries(multi)) if (Array.isArray(values)) for (const v of values) params.append(k, String(v));
  } else if (single !== undefined) {
    for (const [k, v] of Object.entries(single)) if (typeof v === 'string') params.append(k, v);
  }
  return params.toString();
}

/** ALB: values arrive as the client sent them (URL-encoded); keep them so. */
function rawQuery(e: Json): string {
  const multi = obj(e.multiValueQueryStringParameters);
  const single = obj(e.queryStringParameters);
  const parts: string[] = [];
  if (multi !== undefined) {
    for (const [k, values] of Object.entries(multi)) if (Array.isArray(values)) for (const v of values) parts.push(`${k}=${String(v)}`);
  } else if (single !== undefined) {
    for (const [k, v] of Object.entries(single)) if (typeof v === 'string') parts.push(`${k}=${v}`);
  }
  return parts.join('&');
}

/** At most this many records become span links (a batch is up to 10 for SQS, more for streams). */
const MAX_LINKED_RECORDS = 10;

/** The `AWSTraceHeader` of each SQS record (X-Ray header format: the producer's trace), for span links. */
export function recordTraceHeaders(event: unknown): string[] {
  const records = obj(event)?.Records;
  if (!Array.isArray(records)) return [];
  const out: string[] = [];
  for (const record of records) {
    const header = text(obj(obj(record)?.attributes)?.AWSTraceHeader);
    if (header !== undefined) out.push(header);
    if (out.length === MAX_LINKED_RECORDS) break;
  }
  return out;
}
