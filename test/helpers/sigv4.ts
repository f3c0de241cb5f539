/**
 * An AWS Signature Version 4 check written from the public specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html) with node:crypto only,
 * to verify what dualtrace sends without trusting the library that signed it. Test-only.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  readonly raw: Buffer;
}

export interface SigV4Result {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 unreserved characters stay; everything else is %XX (upper case), as SigV4 requires. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Recomputes the signature of `request` with the secret of the access key it names and compares. Throws, saying why,
 * when anything does not verify; returns what the signature was made for.
 */
export function verifySigV4(request: SignedRequest, credentials: (accessKeyId: string) => TestCredentials | undefined): SigV4Result {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const match = AUTHORIZATION.exec(header('authorization') ?? '');
  if (!match) throw new Error(`no SigV4 Authorization header: ${header('authorization')}`);
  const [, accessKeyId, date, region, service, signedList, signature] = match as unknown as string[];
  const secrets = credentials(accessKeyId!);
  if (secrets === undefined) throw new Error(`unknown access key ${accessKeyId}`);
  const amzDate = header('x-amz-date') ?? '';
  if (!amzDate.startsWith(date!)) throw new Error(`x-amz-date ${amzDate} is not of the credential date ${date}`);
  const signedHeaders = signedList!.split(';');
  for (const required of ['host', 'x-amz-date', ...(secrets.sessionToken ? ['x-amz-security-token'] : [])]) {
    if (!signedHeaders.includes(required)) throw new Error(`${required} is not signed`);
  }
  if (secrets.sessionToken !== undefined && header('x-amz-security-token') !== secrets.sessionToken) throw new Error('wrong session token');
  const payloadHash = sha256(request.raw);
  const declared = header('x-amz-content-sha256');
  if (declared !== undefined && declared !== payloadHash) throw new Error('x-amz-content-sha256 is not the hash of the body');

  const [path, query = ''] = request.path.split('?', 2) as [string, string?];
  const canonicalUri = path.split('/').map((segment) => uriEncode(uriEncode(decodeURIComponent(segment)))).join('/');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=', 2).map((part) => uriEncode(decodeURIComponent(part ?? ''))).join('='))
    .sort()
    .join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secrets.secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) throw new Error('the signature does not verify');
  return { accessKeyId: accessKeyId!, date: date!, region: region!, service: service!, signedHeaders };
}
