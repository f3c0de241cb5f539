import http from 'node:http';
import https from 'node:https';
import { USER_AGENT } from '../../http/user-agent';

/**
 * One HTTP exchange with a bound: what came back, or why nothing did, in words. Used by every network check.
 * node:http rather than fetch: fetch refuses some ports outright (the Fetch standard's "bad ports"), and a daemon or
 * collector may listen on any.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** A request that got no HTTP answer: `code` is the system error code (`ECONNREFUSED`, `ENOTFOUND`) or `TIMEOUT`. */
export class NoAnswer extends Error {
  override readonly name = 'NoAnswer';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Answers are read up to this many bytes: enough for any error document or page of rules, and bounded. */
const MAX_BODY = 1 << 20;

export function request(url: string, init: { method: string; headers?: Record<string, string>; body?: Uint8Array | string }, timeoutMs: number): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength);
    // dualtrace's user agent, as the app's exports carry (a traced receiver does not trace them).
    const headers = { ...init.headers, 'user-agent': USER_AGENT, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };
    const req = send(target, { method: init.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') });
      });
      res.on('error', (error) => fail(error));
    });
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      reject(error instanceof NoAnswer ? error : noAnswer(target, error));
    };
    const timer = setTimeout(() => {
      const timeout = new NoAnswer('TIMEOUT', `no answer from ${target.host} within ${timeoutMs} ms`);
      req.destroy(timeout);
    }, timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}

/** Why a request got no answer, in words, from the system error's code. */
export function noAnswer(target: URL, error: unknown): NoAnswer {
  const host = target.host;
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ERROR';
  switch (code) {
    case 'ECONNREFUSED':
      return new NoAnswer(code, `${host} refused the connection (nothing listens there)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NoAnswer(code, `the name ${target.hostname} does not resolve (${code}): offline, or a typo in the endpoint?`);
    case 'ECONNRESET':
      return new NoAnswer(code, `${host} closed the connection (ECONNRESET): a proxy or firewall in the way?`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NoAnswer(code, `could not reach ${host} (${code}): a firewall, or no route from here?`);
    default:
      if (/CERT|SSL|TLS/.test(code)) return new NoAnswer(code, `the TLS connection to ${host} failed (${code}): a proxy that replaces certificates? (NODE_EXTRA_CA_CERTS)`);
      return new NoAnswer(code, `${host}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
