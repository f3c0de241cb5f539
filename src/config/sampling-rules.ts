import { readFileSync } from 'node:fs';
import { ConfigError, ConfigErrorCode } from '../errors';
import { isPlainObject } from './parse';
import type { XRayLocalRules, XRayLocalSamplingRulesDocument } from './sampling-types';

/**
 * The X-Ray SDK's built-in rules (aws-xray-sdk-node `resources/default_sampling_rules.json`): the first trace each
 * second, then 5 % of the rest. Also what centralized sampling uses until the rules arrive.
 */
export const DEFAULT_LOCAL_RULES: XRayLocalRules = Object.freeze({
  version: 2,
  rules: Object.freeze([]),
  default: Object.freeze({ fixedTarget: 1, rate: 0.05 }),
});

const RULE_KEYS_V2 = ['host', 'http_method', 'url_path', 'fixed_target', 'rate'] as const;
const RULE_KEYS_V1 = ['service_name', 'http_method', 'url_path', 'fixed_target', 'rate'] as const;
const STRING_KEYS = new Set(['host', 'service_name', 'http_method', 'url_path', 'description']);

/**
 * Reads and checks rules in the X-Ray SDK's local format (`AWSXRay.middleware.setSamplingRules(pathOrObject)`), the
 * rules the SDK's `local_sampler.js` accepts and nothing more: `version` 1 or 2, a `default` with only `fixed_target`
 * (a whole number of traces per second) and `rate` (0–1), and `rules[]` whose every field is required
 * (`service_name` in version 1 where version 2 has `host`; version 1 matches it against the Host, as the SDK does).
 *
 * @param value a path to a JSON file, a JSON text (starts with `{`), or the rules object
 * @param option the option or variable the value came from, for the error
 * @throws {ConfigError} `DT_CONFIG_BAD_SAMPLING_RULES` naming the rule and field at fault
 */
export function parseLocalRules(value: string | XRayLocalSamplingRulesDocument, option: string): { rules: XRayLocalRules; source: string } {
  if (typeof value !== 'string') return { rules: checkDocument(value, option, ''), source: `${option} (object)` };
  const text = value.trim();
  if (text.startsWith('{')) return { rules: checkDocument(parseJson(text, option, ''), option, ''), source: `${option} (JSON)` };
  let content: string;
  try {
    content = readFileSync(text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(ConfigErrorCode.BAD_SAMPLING_RULES, option, `names the file "${text}", which cannot be read (${code})`,
      'Give the path of a JSON file in the X-Ray SDK local rules format (see docs/sampling.md), relative to the working directory.');
  }
  const where = ` in "${text}"`;
  return { rules: checkDocument(parseJson(content, option, where), option, where), source: text };
}

function parseJson(text: string, option: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw bad(option, `${where} is not JSON (${(error as Error).message})`, 'Write the rules as a JSON object: { "version": 2, "rules": [], "default": { "fixed_target": 1, "rate": 0.05 } }.');
  }
}

function checkDocument(doc: unknown, option: string, where: string): XRayLocalRules {
  if (!isPlainObject(doc)) throw bad(option, `${where} is not an object`, 'Use { "version": 2, "rules": [ … ], "default": { "fixed_target": 1, "rate": 0.05 } }.');
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && key !== 'rules' && key !== 'default') {
      throw bad(`${option}.${key}`, `${where} is not a field of the rules format`, 'Only version, rules and default are allowed.');
    }
  }
  const version = doc.version;
  if (version !== 1 && version !== 2) {
    throw bad(`${option}.version`, `${where} is ${JSON.stringify(version) ?? 'missing'}`, 'Use version 2 (host, http_method, url_path) or 1 (service_name, http_method, url_path).');
  }
  if (!isPlainObject(doc.default)) {
    throw bad(`${option}.default`, `${where} is ${doc.default === undefined ? 'missing' : 'not an object'}`, 'Give the rule for everything else: "default": { "fixed_target": 1, "rate": 0.05 }.');
  }
  for (const key of Object.keys(doc.default)) {
    if (key !== 'fixed_target' && key !== 'rate') {
      throw bad(`${option}.default.${key}`, `${where} is not allowed`, 'The default rule has only fixed_target and rate; it matches every request.');
    }
  }
  const defaultRule = {
    fixedTarget: fixedTarget(doc.default.fixed_target, `${option}.default.fixed_target`, where),
    rate: rate(doc.default.rate, `${option}.default.rate`, where),
  };
  const rulesValue = doc.rules ?? [];
  if (!Array.isArray(rulesValue)) throw bad(`${option}.rules`, `${where} is not an array`, 'Give "rules": [ { … }, … ] (or leave it out).');
  const required = version === 1 ? RULE_KEYS_V1 : RULE_KEYS_V2;
  const rules = rulesValue.map((rule: unknown, i) => {
    const path = `${option}.rules[${i}]`;
    if (!isPlainObject(rule)) throw bad(path, `${where} is not an object`, 'Each rule is an object with the fields listed in docs/sampling.md.');
    const named = typeof rule.description === 'string' && rule.description !== '' ? ` ("${rule.description}")` : '';
    for (const key of Object.keys(rule)) {
      if (key !== 'description' && !(required as readonly string[]).includes(key)) {
        throw bad(`${path}.${key}`, `${named}${where} is not a field of a version ${version} rule`, `A version ${version} rule has ${required.join(', ')} and an optional description.`);
      }
      if (STRING_KEYS.has(key) && (typeof rule[key] !== 'string' || (key !== 'description' && rule[key] === ''))) {
        throw bad(`${path}.${key}`, `${named}${where} is ${describeValue(rule[key])}`, 'Use a non-empty string; * and ? are wildcards ("*" matches anything).');
      }
    }
    for (const key of required) {
      if (rule[key] === undefined) throw bad(`${path}.${key}`, `${named}${where} is missing`, `A version ${version} rule needs every one of ${required.join(', ')} ("*" matches anything).`);
    }
    return Object.freeze({
      description: typeof rule.description === 'string' ? rule.description : undefined,
      host: (version === 1 ? rule.service_name : rule.host) as string,
      httpMethod: rule.http_method as string,
      urlPath: rule.url_path as string,
      fixedTarget: fixedTarget(rule.fixed_target, `${path}.fixed_target`, where, named),
      rate: rate(rule.rate, `${path}.rate`, where, named),
    });
  });
  return Object.freeze({ version, rules: Object.freeze(rules), default: Object.freeze(defaultRule) });
}

function fixedTarget(value: unknown, path: string, where: string, named = ''): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw bad(path, `${named}${where} is ${describeValue(value)}`, 'Use a whole number ≥ 0: the traces kept each second before the rate applies.');
}

function rate(value: unknown, path: string, where: string, named = ''): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw bad(path, `${named}${where} is ${describeValue(value)}`, 'Use a number from 0 to 1 (0.05 keeps 5 %).');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function bad(option: string, problem: string, fix: string): ConfigError {
  return new ConfigError(ConfigErrorCode.BAD_SAMPLING_RULES, option, problem.trimStart(), fix);
}
