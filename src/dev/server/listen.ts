import { createSocket, type Socket } from 'node:dgram';
import { createServer, type RequestListener, type Server } from 'node:http';
import { isIP } from 'node:net';
import { UNTRACED_SERVER } from '../../adapters/shared/symbols';

/** A port that could not be bound, with the flag that moves it: the message the CLI prints. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
    readonly what: string,
    readonly flag: string,
    code: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} (${what}) is already in use on ${host}. Stop what is using it, or choose another port with ${flag} <port>.`
        : `cannot listen on ${host}:${port} for the ${what} (${code}). Choose another port with ${flag} <port>${code === 'EACCES' ? ', above 1023' : ''}.`,
    );
  }
}

export async function listenHttp(handler: RequestListener, host: string, port: number, what: string, flag: string): Promise<Server> {
  const server = createServer(handler);
  // In a traced process (`NODE_OPTIONS=--import dualtrace/register`, or beside an app in tests and the demo) zero-code
  // tracing would trace what the viewer receives and serves, and send it back to the viewer, for ever.
  (server as Server & { [UNTRACED_SERVER]?: boolean })[UNTRACED_SERVER] = true;
  // Long-lived event streams must not hold shutdown up; keep-alive sockets are closed on close().
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new PortInUseError(host, port, what, flag, error.code ?? 'ERROR')));
    server.listen(port, host, () => resolve());
  });
  return server;
}

export async function bindUdp(host: string, port: number, onMessage: (message: Buffer) => void, what: string, flag: string): Promise<Socket> {
  const socket = createSocket(isIP(host) === 6 ? { type: 'udp6', ipv6Only: true } : { type: 'udp4' });
  socket.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(new PortInUseError(host, port, what, flag, error.code ?? 'ERROR'));
    });
    socket.bind(port, host, () => resolve());
  });
  // A datagram that cannot be read (ICMP noise) must not end the receiver.
  socket.removeAllListeners('error');
  socket.on('error', () => undefined);
  return socket;
}

export function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
