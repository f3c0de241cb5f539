import { postJson, SamplingRequestError } from './client';
import { readRulesPage } from './records';
import type { RuleDefinition } from './rule';

/** A bound on `NextToken` paging, so a proxy that keeps answering with a token cannot keep us looping. */
const MAX_RULE_PAGES = 50;
/**
 * More rules than any X-Ray account holds: an answer with more is not X-Ray's, and is refused rather than kept (every
 * rule costs memory, and a request that matches none of them is tested against each one).
 */
export const MAX_RULES = 1000;

/** Every rule `GetSamplingRules` answered that can be used, and those left out, with why. */
export interface FetchedRules {
  readonly definitions: RuleDefinition[];
  readonly skipped: string[];
}

/**
 * `POST <endpoint>/GetSamplingRules` through the daemon's TCP proxy (which signs and forwards it to X-Ray,
 * https://docs.aws.amazon.com/xray/latest/api/API_GetSamplingRules.html), following `NextToken` to the last page, read
 * into rule definitions. The one implementation of the call: centralized sampling's poller and `dualtrace doctor` both
 * use it. Rejects with a {@link SamplingRequestError}.
 */
export async function fetchSamplingRules(endpoint: string, timeoutMillis: number, signal: AbortSignal): Promise<FetchedRules> {
  const url = `${endpoint}/GetSamplingRules`;
  const definitions: RuleDefinition[] = [];
  const skipped: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_RULE_PAGES; page++) {
    const body = await postJson(url, token === undefined ? {} : { NextToken: token }, timeoutMillis, signal);
    const read = readRulesPage(body);
    if (read === undefined) throw new SamplingRequestError('an answer that is not a GetSamplingRules response', 'ANSWER');
    if (definitions.length + skipped.length + read.definitions.length + read.skipped.length > MAX_RULES) {
      throw new SamplingRequestError(`more than ${MAX_RULES} rules`, 'ANSWER');
    }
    definitions.push(...read.definitions);
    skipped.push(...read.skipped);
    if (read.nextToken === undefined || read.nextToken === token) break;
    token = read.nextToken;
  }
  return { definitions, skipped };
}
