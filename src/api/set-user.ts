import { trace } from '@opentelemetry/api';

/**
 * Records who made the request on the active span: `enduser.id` (X-Ray shows it as the segment's `user`, filterable
 * with `user = "…"`) and `user.id` (the current semantic-conventions name, a Honeycomb column). Ignores an empty or
 * non-string/number id and calls outside a span; never throws.
 *
 * @param id the user's id (numbers are recorded as strings)
 * @example
 * import { setUser } from 'dualtrace';
 * setUser(req.user.uuid);
 * @see docs/api.md
 */
export function setUser(id: string | number): void {
  try {
    if (typeof id === 'number' && !Number.isFinite(id)) return;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const value = String(id);
    if (value === '') return;
    const span = trace.getActiveSpan();
    if (span === undefined || !span.isRecording()) return;
    span.setAttributes({ 'enduser.id': value, 'user.id': value });
  } catch {
    // A helper for app code: never throws.
  }
}
