/**
 * `--save file.jsonl` and `--load file.jsonl`: one JSON line per thing received, in arrival order. OTLP requests are
 * kept decoded (OTLP/JSON form), datagrams byte for byte (base64), so a loaded file is checked exactly as it was live.
 * Nothing is written unless `--save` is given.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import type { TraceRequest } from '../otlp/types';
import { parseDatagram } from '../xray/datagram';
import type { Delivery, TraceStore } from './trace-store';

type Line =
  | { type: 'otlp'; receivedAt: number; delivery: Delivery; request: TraceRequest }
  | { type: 'xray'; receivedAt: number; datagram: string };

export class Recorder {
  private readonly out: WriteStream;
  private failed: Error | undefined;

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: 'a' });
    this.out.on('error', (error) => (this.failed = error));
  }

  get error(): Error | undefined {
    return this.failed;
  }

  otlp(request: TraceRequest, delivery: Delivery, receivedAt: number): void {
    this.write({ type: 'otlp', receivedAt, delivery, request });
  }

  datagram(bytes: Uint8Array, receivedAt: number): void {
    this.write({ type: 'xray', receivedAt, datagram: Buffer.from(bytes).toString('base64') });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }

  private write(line: Line): void {
    if (this.failed === undefined) this.out.write(`${JSON.stringify(line)}\n`);
  }
}

/** Replays a saved file into the store; throws with the line number when a line is not one this format writes. */
export async function loadRecording(file: string, store: TraceStore): Promise<{ lines: number }> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      throw new Error(`${file}:${n} is not JSON`);
    }
    if (line.type === 'otlp') {
      try {
        store.addRequest(decodeTraceRequestJson(line.request), line.delivery ?? { keyKind: 'none', encoding: 'json' }, line.receivedAt);
      } catch (error) {
        throw new Error(`${file}:${n}: ${(error as Error).message}`);
      }
    } else if (line.type === 'xray' && typeof line.datagram === 'string') {
      store.addDatagram(parseDatagram(Buffer.from(line.datagram, 'base64')), line.receivedAt);
    } else {
      throw new Error(`${file}:${n} is neither an "otlp" nor an "xray" line`);
    }
  }
  return { lines: n };
}
