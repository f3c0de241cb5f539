/**
 * What kind of Honeycomb key this is, by its shape (https://docs.honeycomb.io/api/authentication): Ingest keys are the
 * key id (`hc?ik_` + 26) and the secret (32) with no separator, 64 lower-case alphanumerics; Classic ingest keys the
 * same with `hc?ic_`; Classic keys 32 hex digits; Configuration keys a 22-character token; Management keys
 * (`hc?mk_…`) work only as Bearer tokens on the v2 API and cannot send events.
 */
export type HoneycombKeyKind = 'ingest' | 'classic-ingest' | 'classic' | 'configuration' | 'management' | 'unknown';

export interface HoneycombKeyShape {
  readonly kind: HoneycombKeyKind;
  /** Whether the key can be what it looks like (right length and characters, nothing around it). */
  readonly valid: boolean;
  /** Said in words, without the key: "an Ingest key (64 characters)". */
  readonly description: string;
  /** Why it cannot work, when `valid` is false or the kind cannot send events. */
  readonly problem?: string;
}

const LABEL: Record<HoneycombKeyKind, string> = {
  ingest: 'an Ingest key',
  'classic-ingest': 'a Classic Ingest key',
  classic: 'a Classic key',
  configuration: 'a Configuration key',
  management: 'a Management key',
  unknown: 'not a Honeycomb key shape',
};

/** `key` as resolved (trimmed: resolveConfig trims every value it reads). */
export function describeHoneycombKey(key: string): HoneycombKeyShape {
  const shape = (kind: HoneycombKeyKind, valid: boolean, problem?: string): HoneycombKeyShape => ({
    kind,
    valid,
    description: `${LABEL[kind]} (${key.length} characters)`,
    ...(problem === undefined ? {} : { problem }),
  });
  const kind = kindOf(key);
  switch (kind) {
    case 'ingest':
    case 'classic-ingest':
      return /^hc[a-z]i[kc]_[a-z0-9]{58}$/.test(key) ? shape(kind, true) : shape(kind, false, `an Ingest key is 64 lower-case letters and digits; this one has ${key.length}`);
    case 'management':
      return shape(kind, false, 'Management keys cannot send events: use an Ingest key of the environment');
    case 'configuration':
      return shape(kind, true);
    case 'classic':
      return shape(kind, true);
    default:
      return shape(kind, false, 'Honeycomb keys are 64 characters (hc…ik_…), 32 hex digits (Classic) or 22 characters (Configuration)');
  }
}

function kindOf(key: string): HoneycombKeyKind {
  if (/^hc[a-z]ik_/.test(key)) return 'ingest';
  if (/^hc[a-z]ic_/.test(key)) return 'classic-ingest';
  if (/^hc[a-z]mk_/.test(key)) return 'management';
  if (/^[a-f0-9]{32}$/.test(key)) return 'classic';
  if (/^[A-Za-z0-9]{22}$/.test(key)) return 'configuration';
  return 'unknown';
}
