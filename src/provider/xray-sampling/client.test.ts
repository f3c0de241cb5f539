import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from './client';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/GetSamplingRules`;
}

describe('postJson (the sampling client)', () => {
  it('should give up on an answer that trickles in, a byte at a time, past the timeout', async () => {
    // An idle timeout alone never fires here: the socket is never idle for long. The poller would wait forever.
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"SamplingRuleRecords":[');
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    await expect(postJson(url, {}, 300, new AbortController().signal)).rejects.toThrow(/no answer within 300 ms/);
  });

  it('should refuse an answer larger than 1 MB without keeping it', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
    });
    await expect(postJson(url, {}, 5_000, new AbortController().signal)).rejects.toThrow(/larger than 1048576 bytes/);
  });
});
