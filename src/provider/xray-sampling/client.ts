import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import http from 'node:http';
import https from 'node:https';

/** A sampling answer is a few kB; anything far larger is not one, and is not buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Why a sampling request failed, in a few words for the log (`ECONNREFUSED`, `HTTP 403: …`, `not JSON`). */
export class SamplingRequestError extends Error {}

/**
 * POSTs JSON to the X-Ray daemon's proxy (or any `/GetSamplingRules` `/SamplingTargets` server) and resolves with the
 * parsed answer. Tracing is suppressed so the request never becomes a span; it is bounded by `timeoutMillis` from start
 * to the last byte (not only while the socket is idle: an answer trickling in would otherwise keep the poller waiting
 * for ever) and by the body size, and `signal` aborts it (on shutdown). Never throws synchronously.
 */
export function postJson(url: string, body: unknown, timeoutMillis: number, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const fail = (reason: string): void => reject(new SamplingRequestError(reason));
    context.with(suppressTracing(context.active()), () => {
      try {
        const client = url.startsWith('https:') ? https : http;
        const req = client.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: timeoutMillis,
          signal,
        });
        const timedOut = (): void => {
          fail(`no answer within ${timeoutMillis} ms`);
          req.destroy();
        };
        req.on('timeout', timedOut);
        const deadline = setTimeout(timedOut, timeoutMillis);
        deadline.unref();
        req.on('close', () => clearTimeout(deadline));
        req.on('error', (error: NodeJS.ErrnoException) => fail(error instanceof SamplingRequestError ? error.message : (error.code ?? error.message)));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              fail(`an answer larger than ${MAX_BODY_BYTES} bytes`);
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', () => fail('the answer was cut off'));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              fail(`HTTP ${res.statusCode ?? '?'}${text === '' ? '' : `: ${text.replace(/\s+/g, ' ').slice(0, 160)}`}`);
              return;
            }
            try {
              resolve(JSON.parse(text) as unknown);
            } catch {
              fail('an answer that is not JSON');
            }
          });
        });
        req.end(payload);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    });
  });
}
