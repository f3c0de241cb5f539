import { hookFastify } from './fastify-hooks';
import { hookServers } from './server-hook';

// One process, one set of hooks, even when several bundles (dualtrace, dualtrace/register's CommonJS copy…) each
// carry this module: the undo function lives on globalThis under a registered Symbol.
const STATE = Symbol.for('dualtrace.server-instrumentation');
type Slot = { [STATE]?: () => void };

/**
 * Zero-code SERVER spans for every `node:http`/`https` server (see ./server-hook) and Fastify route names (see
 * ./fastify-hooks). Idempotent.
 */
export function enableServerInstrumentation(): void {
  const slot = globalThis as Slot;
  if (slot[STATE] !== undefined) return;
  const unhookServers = hookServers();
  const unhookFastify = hookFastify();
  slot[STATE] = () => {
    unhookFastify();
    unhookServers();
  };
}

/** Undoes {@link enableServerInstrumentation}; safe when it is off. Requests in flight keep their spans. */
export function disableServerInstrumentation(): void {
  const slot = globalThis as Slot;
  const undo = slot[STATE];
  if (undo === undefined) return;
  delete slot[STATE];
  undo();
}
