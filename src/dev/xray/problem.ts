/**
 * What the viewer found wrong or notable about what arrived. `error`: breaks a rule of the X-Ray segment document
 * format, so X-Ray rejects the document or the field; `warning`: accepted, but it will not look or work as meant;
 * `info`: worth knowing (a document dualtrace shrank to fit).
 */
export interface Problem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** The field concerned, e.g. `annotations.user-id` or `cause.exceptions[0].id`. */
  readonly path?: string;
  /** The (sub)segment concerned, when known. */
  readonly segmentId?: string;
}

/** The public rules these checks follow. */
export const SEGMENT_DOCS_URL = 'https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html';
export const DAEMON_URL = 'https://docs.aws.amazon.com/xray/latest/devguide/xray-daemon.html';
