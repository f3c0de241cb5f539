import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import http from 'node:http';
import https from 'node:https';
import { USER_AGENT } from '../../http/user-agent';

/** A sampling answer is a few kB; anything far larger is not one, and is not buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Why a sampling request failed: the message in a few words for the log (`ECONNREFUSED`, `HTTP 403: …`, `an answer
 * that is not JSON`), and the same as data for whoever explains it (`dualtrace doctor`).
 */
export class SamplingRequestError extends Error {
  constructor(
    message: string,
    /** The system error code (`ECONNREFUSED`, `ENOTFOUND`…), `TIMEOUT`, `HTTP` (an answer that is not 200), or `ANSWER` (one that cannot be used). */
    readonly code: string,
    /** With `HTTP`: the status, X-Ray's error type (`AccessDeniedException`, from `x-amzn-errortype` or `__type`) and message. */
    readonly answer?: { readonly status: number; readonly type: string | undefined; readonly message: string | undefined },
  ) {
    super(message);
  }
}

/**
 * POSTs JSON to the X-Ray daemon's proxy (or any `/GetSamplingRules` `/SamplingTargets` server) and resolves with the
 * parsed answer. Tracing is suppressed so the request never becomes a span, and it carries dualtrace's user agent so
 * a traced server receiving it (`dualtrace dev`'s sampling API) does not trace it either; it is bounded by `timeoutMillis` from start
 * to the last byte (not only while the socket is idle: an answer trickling in would otherwise keep the poller waiting
 * for ever) and by the body size, and `signal` aborts it (on shutdown). Never throws synchronously.
 */
export function postJson(url: string, body: unknown, timeoutMillis: number, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const fail = (reason: string, code = 'ANSWER', answer?: SamplingRequestError['answer']): void => reject(new SamplingRequestError(reason, code, answer));
    context.with(suppressTracing(context.active()), () => {
      try {
        const client = url.startsWith('https:') ? https : http;
        const req = client.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'user-agent': USER_AGENT },
          timeout: timeoutMillis,
          signal,
        });
        const timedOut = (): void => {
          req.destroy(new SamplingRequestError(`no answer within ${timeoutMillis} ms`, 'TIMEOUT'));
        };
        req.on('timeout', timedOut);
        const deadline = setTimeout(timedOut, timeoutMillis);
        deadline.unref();
        req.on('close', () => clearTimeout(deadline));
        req.on('error', (error: NodeJS.ErrnoException) =>
          error instanceof SamplingRequestError ? reject(error) : fail(error.code ?? error.message, error.code ?? 'ERROR'),
        );
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
              const status = res.statusCode ?? 0;
              fail(`HTTP ${status}${text === '' ? '' : `: ${text.replace(/\s+/g, ' ').slice(0, 160)}`}`, 'HTTP', awsError(status, res.headers['x-amzn-errortype'], text));
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
        fail(error instanceof Error ? error.message : String(error), 'ERROR');
      }
    });
  });
}

/** X-Ray's error in an answer the daemon forwarded: the type in `x-amzn-errortype` or the body's `__type`, and its message. */
function awsError(status: number, header: string | string[] | undefined, text: string): NonNullable<SamplingRequestError['answer']> {
  let type = typeof header === 'string' ? header : undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof body.__type === 'string') type ??= body.__type;
    message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
  } catch {
    // Not JSON: the status says enough.
  }
  // `x-amzn-errortype: AccessDeniedException:http://internal.amazon.com/…`, `__type: com.amazonaws…#AccessDeniedException`.
  return { status, type: type?.replace(/^.*#/, '').replace(/:.*$/, ''), message: message?.slice(0, 200) };
}
