import type { ResolvedHoneycomb } from '../../config/types';
import { NoAnswer, request } from './http';
import type { CheckResult } from './types';

/** Who the key belongs to, as `GET /1/auth` answers (https://docs.honeycomb.io/api/auth/): the links need the slugs. */
export interface HoneycombAuth {
  readonly team: string;
  /** Empty for Classic keys (Classic has no environments). */
  readonly environment: string;
}

const US_API = 'https://api.honeycomb.io';
const EU_API = 'https://api.eu1.honeycomb.io';

/** Honeycomb's API base: the traces URL without `/v1/traces` (so a test endpoint on loopback is asked too). */
export function honeycombApiBase(tracesUrl: string): string {
  const url = new URL(tracesUrl);
  return `${url.origin}${url.pathname.replace(/\/v1\/traces\/?$/, '').replace(/\/$/, '')}`;
}

/** `GET /1/auth` with the key: the key is known, may send events, and which team and environment it belongs to. */
export async function checkHoneycombAuth(honeycomb: ResolvedHoneycomb, timeoutMs: number): Promise<{ result: CheckResult; auth?: HoneycombAuth }> {
  const name = 'honeycomb auth';
  if (honeycomb.apiKey === undefined) return { result: { name, status: 'skip', summary: 'no key to check' } };
  const base = honeycombApiBase(honeycomb.url);
  const where = `GET ${base}/1/auth`;
  let answer;
  try {
    answer = await request(`${base}/1/auth`, { method: 'GET', headers: { 'x-honeycomb-team': honeycomb.apiKey } }, timeoutMs);
  } catch (error) {
    if (!(error instanceof NoAnswer)) throw error;
    return { result: { name, status: 'fail', summary: `${where}: ${error.message}`, fix: 'Check `honeycomb.endpoint` / HONEYCOMB_API_ENDPOINT and that this machine can reach it.' } };
  }
  switch (answer.status) {
    case 200:
      return fromAuthBody(name, where, answer.body);
    case 401:
    case 403:
      return { result: { name, status: 'fail', summary: `Honeycomb does not accept this key (HTTP ${answer.status} from ${where})`, fix: regionHint(base) } };
    case 404:
      return {
        result: {
          name,
          status: 'warn',
          summary: `${where} answered 404: the endpoint is not Honeycomb's API (an OpenTelemetry Collector?), so the key was not checked`,
        },
      };
    case 429:
      return { result: { name, status: 'warn', summary: `${where} answered 429: Honeycomb is rate-limiting this key; try again in a minute` } };
    default:
      return {
        result: {
          name,
          status: answer.status >= 500 ? 'warn' : 'fail',
          summary: `${where} answered HTTP ${answer.status}`,
          fix: answer.status >= 500 ? 'Honeycomb had a problem; try again (https://status.honeycomb.io).' : 'Check `honeycomb.endpoint` / HONEYCOMB_API_ENDPOINT.',
        },
      };
  }
}

function fromAuthBody(name: string, where: string, body: string): { result: CheckResult; auth?: HoneycombAuth } {
  let parsed: { team?: { slug?: unknown; name?: unknown }; environment?: { slug?: unknown; name?: unknown }; type?: unknown; api_key_access?: { events?: unknown } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { result: { name, status: 'warn', summary: `${where} answered 200, but not with JSON: is the endpoint Honeycomb's API?` } };
  }
  const team = typeof parsed.team?.slug === 'string' ? parsed.team.slug : '';
  const environment = typeof parsed.environment?.slug === 'string' ? parsed.environment.slug : '';
  const type = typeof parsed.type === 'string' ? ` (${parsed.type} key)` : '';
  const place = environment === '' ? `team "${team}" (Classic: no environment)` : `team "${team}", environment "${environment}"`;
  if (parsed.api_key_access?.events === false) {
    return {
      result: { name, status: 'fail', summary: `the key belongs to ${place}${type} but may not send events`, fix: 'Use an Ingest key, or give this key the "Send Events" permission in the environment\'s API keys.' },
      auth: { team, environment },
    };
  }
  return { result: { name, status: 'ok', summary: `the key belongs to ${place}${type}` }, auth: { team, environment } };
}

/** Keys belong to one Honeycomb instance: a US key is unknown to the EU API and the other way round. */
function regionHint(base: string): string {
  if (base === US_API) {
    return `If the team is on Honeycomb's EU instance (ui.eu1.honeycomb.io), set HONEYCOMB_API_ENDPOINT=${EU_API} (or \`honeycomb.endpoint\`). Otherwise check the key: an Ingest key of the environment you send to.`;
  }
  if (base === EU_API) {
    return `If the team is on Honeycomb's US instance (ui.honeycomb.io), remove the EU endpoint (default ${US_API}). Otherwise check the key: an Ingest key of the environment you send to.`;
  }
  return `Check the key (an Ingest key of the environment you send to), and that the endpoint is the key's Honeycomb instance: US ${US_API}, EU ${EU_API}.`;
}
