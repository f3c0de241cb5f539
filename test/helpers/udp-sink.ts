/**
 * A fake X-Ray daemon for tests: a real UDP socket on loopback (port 0) that records every datagram, checks the header
 * line exactly like the daemon does (first "\n" splits header and body; the header must be {"format":"json","version":1})
 * and parses the body as one JSON document.
 *
 * @example
 * const sink = await startUdpSink();                 // 127.0.0.1:<random port>
 * const exporter = new XRayDaemonExporter({ daemonAddress: sink.daemonAddress });
 * …
 * await sink.waitFor(3);                             // three documents (datagrams) received
 * expect(sink.segmentsFlat().map((s) => s.parentId)) …
 * await sink.close();
 *
 * For IPv6: `const reason = await udp6Unsupported(); it.skipIf(reason)(…)`, then `startUdpSink({ family: 6 })`.
 */
import { createSocket, type Socket } from 'node:dgram';

export const EXPECTED_HEADER = '{"format":"json","version":1}';

/** A segment document as received (a plain JSON object). */
export type ReceivedDocument = Record<string, unknown>;

/** One document from {@link UdpSink.segmentsFlat}: nested subsegments are lifted out with their parent's id. */
export interface FlatSegment {
  readonly id: string;
  readonly traceId: string;
  /** `parent_id` for top-level documents; the enclosing document's id for nested ones. */
  readonly parentId: string | undefined;
  /** True when it arrived inside another document's `subsegments`. */
  readonly nested: boolean;
  readonly doc: ReceivedDocument;
}

export interface UdpSink {
  /** `127.0.0.1:<port>` or `[::1]:<port>`, ready for `daemonAddress`. */
  readonly daemonAddress: string;
  readonly port: number;
  /** Byte size of each datagram received, in arrival order. */
  readonly sizes: readonly number[];
  /** Parsed documents, one per valid datagram, in arrival order. */
  readonly documents: readonly ReceivedDocument[];
  /** Datagrams the real daemon would reject (bad header, no body) or whose body is not JSON, with the reason. */
  readonly rejected: readonly string[];
  /** Resolves once `count` documents arrived or `predicate(documents)` holds; rejects after `timeoutMs`. */
  waitFor(countOrPredicate: number | ((docs: readonly ReceivedDocument[]) => boolean), timeoutMs?: number): Promise<void>;
  /** Every document and nested subsegment, flattened. */
  segmentsFlat(): FlatSegment[];
  close(): Promise<void>;
}

export async function startUdpSink(options: { family?: 4 | 6 } = {}): Promise<UdpSink> {
  const family = options.family ?? 4;
  const socket: Socket = createSocket(family === 6 ? { type: 'udp6', ipv6Only: true } : { type: 'udp4' });
  const host = family === 6 ? '::1' : '127.0.0.1';
  const sizes: number[] = [];
  const documents: ReceivedDocument[] = [];
  const rejected: string[] = [];
  const waiters = new Set<() => void>();

  socket.on('message', (message) => {
    sizes.push(message.length);
    const text = message.toString('utf8');
    const newline = text.indexOf('\n');
    if (newline < 0 || newline === text.length - 1) {
      rejected.push(`missing header or body: ${text.slice(0, 80)}`);
    } else if (text.slice(0, newline) !== EXPECTED_HEADER) {
      rejected.push(`bad header: ${text.slice(0, newline)}`);
    } else {
      try {
        documents.push(JSON.parse(text.slice(newline + 1)) as ReceivedDocument);
      } catch (err) {
        rejected.push(`body is not JSON: ${String(err)}`);
      }
    }
    for (const wake of waiters) wake();
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  let closed: Promise<void> | undefined;

  return {
    daemonAddress: family === 6 ? `[${host}]:${port}` : `${host}:${port}`,
    port,
    sizes,
    documents,
    rejected,
    waitFor(countOrPredicate, timeoutMs = 2_000) {
      const done = (): boolean =>
        typeof countOrPredicate === 'number' ? documents.length >= countOrPredicate : countOrPredicate(documents);
      if (done()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`UDP sink: timed out after ${timeoutMs} ms with ${documents.length} documents`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    segmentsFlat() {
      const out: FlatSegment[] = [];
      const walk = (doc: ReceivedDocument, parentId: string | undefined, traceId: string, nested: boolean): void => {
        const id = doc.id as string;
        out.push({ id, traceId, parentId, nested, doc });
        for (const child of (doc.subsegments as ReceivedDocument[] | undefined) ?? []) walk(child, id, traceId, true);
      };
      for (const doc of documents) walk(doc, doc.parent_id as string | undefined, doc.trace_id as string, false);
      return out;
    },
    close() {
      closed ??= new Promise<void>((resolve) => socket.close(() => resolve()));
      return closed;
    },
  };
}

/** Undefined when a udp6 socket can bind ::1 here; otherwise the reason, for `it.skipIf`/a skip message. */
export async function udp6Unsupported(): Promise<string | undefined> {
  const socket = createSocket({ type: 'udp6', ipv6Only: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '::1', () => resolve());
    });
    return undefined;
  } catch (err) {
    return `IPv6 loopback unavailable: ${(err as Error).message}`;
  } finally {
    try {
      socket.close();
    } catch {
      // never bound
    }
  }
}
