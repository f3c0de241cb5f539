/**
 * The instruction count's client: one keep-alive connection sending the same GET, the next one only after the whole
 * response arrived. One connection is what makes the count repeat (ten gave ±48 M instructions per process): the
 * server then sees the same bytes in the same order in every run.
 */
import { connect, type Socket } from 'node:net';

export class OneConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly request: Buffer,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.check();
    });
    const fail = (error: Error): void => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static async open(port: number, path: string): Promise<OneConnection> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: bench-instructions\r\nAccept: */*\r\n\r\n`;
    return new OneConnection(socket, Buffer.from(request));
  }

  /** Sends `n` requests one after the other; rejects on anything but a 200 with a Content-Length. */
  async run(n: number, timeoutMs = 120_000): Promise<void> {
    for (let i = 0; i < n; i++) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
        this.waiting = {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        };
        this.socket.write(this.request);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private check(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || this.waiting === undefined) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 200') || !length) {
      this.waiting.reject(new Error(`unexpected response: ${head.split('\r\n')[0]}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    this.buffer = this.buffer.subarray(total);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve();
  }
}
