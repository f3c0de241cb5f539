/**
 * The socket steps of the UDP emitter: resolve the daemon's host, connect an unref'd `dgram` socket to it, close it.
 * Each returns a failure (cause and log text) instead of throwing, for the emitter to count against its batch.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { formatEndpoint, type DaemonEndpoint } from '../../../config/daemon-address';

export interface SocketFailure {
  readonly code: string;
  readonly detail: string;
}

export interface ResolvedDaemon {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The daemon's address: an IP literal as it is, a hostname looked up (IPv4 first, config/daemon-address.ts). */
export async function resolveDaemon(endpoint: DaemonEndpoint): Promise<ResolvedDaemon | SocketFailure> {
  const family = isIP(endpoint.host);
  if (family !== 0) return { address: endpoint.host, family: family as 4 | 6 };
  try {
    const found = await lookup(endpoint.host, { verbatim: false });
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EDNS';
    return { code, detail: `cannot resolve the daemon host ${formatEndpoint(endpoint)} (${code}); tried again for the next batch.` };
  }
}

/** True when `socket` is connected to `address` already (UDP has no connection state to repair after an error). */
export function connectedTo(socket: Socket | undefined, { address, family }: ResolvedDaemon): boolean {
  try {
    const remote = socket?.remoteAddress();
    return remote?.address === address && remote.family === `IPv${family}`;
  } catch {
    return false; // not connected
  }
}

/** An unref'd socket connected to the daemon, or why there is none. */
export async function connectDaemon(endpoint: DaemonEndpoint, { address, family }: ResolvedDaemon): Promise<Socket | SocketFailure> {
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
  socket.unref();
  const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    // A failed connect emits 'error' and never calls the connect callback.
    const onError = (err: NodeJS.ErrnoException): void => resolve(err);
    socket.once('error', onError);
    try {
      socket.connect(endpoint.port, address, () => {
        socket.off('error', onError);
        resolve(undefined);
      });
    } catch (err) {
      socket.off('error', onError);
      resolve(err as NodeJS.ErrnoException);
    }
  });
  if (failure === undefined) return socket;
  safeClose(socket);
  const code = failure.code ?? 'ECONNECT';
  return { code, detail: `cannot connect a UDP socket to the daemon at ${formatEndpoint(endpoint)} (${code}).` };
}

export function safeClose(socket: Socket, onClosed?: () => void): void {
  try {
    socket.close(onClosed);
  } catch {
    onClosed?.(); // already closed
  }
}
