import { diag, type DiagLogger } from '@opentelemetry/api';

/**
 * dualtrace's run-time log: OTel's `diag`, namespaced, so apps route it with the rest of their OTel logs. The component
 * logger looks up the global `diag` logger on every call, so a logger the app installs later is honoured.
 */
export function logger(): DiagLogger {
  return diag.createComponentLogger({ namespace: 'dualtrace' });
}
