import { at, FIELD_SOURCES, type FieldSources } from './sources';
import type { DualtraceOptions, ResolvedConfig } from './types';
import { OPTION_PATHS } from './validate';

/** The fields of `ResolvedConfig` an option feeds (e.g. `sampleRate` → `sampler`, `honeycomb.headers` → key, dataset, headers). */
export function fieldsOfOption(optionPath: string): FieldSources[] {
  return FIELD_SOURCES.filter((f) => f.candidates.some((c) => c.kind === 'option' && (c.name === optionPath || c.name.startsWith(`${optionPath} (`))));
}

/**
 * The options of a later `initTracing(options)` that the running set-up does not honour: every option given whose
 * resolved value differs from the running one (`wanted` is `undefined` when the options could not be resolved; then
 * every option given counts). Option names only, never values: one of them may be the key.
 */
export function ignoredOptions(options: DualtraceOptions | undefined, wanted: ResolvedConfig | undefined, running: ResolvedConfig): string[] {
  if (options === undefined || options === null || typeof options !== 'object') return [];
  const given = OPTION_PATHS.filter((path) => at(options, path) !== undefined);
  if (wanted === undefined) return given;
  return given.filter((path) => fieldsOfOption(path).some((f) => !same(at(wanted, f.path), at(running, f.path))));
}

/** The environment variables that set the same values as these options (for "set them in the environment" advice). */
export function environmentFor(optionPaths: readonly string[]): string[] {
  const names = new Set<string>();
  for (const path of optionPaths) {
    // The fields the option is the first option of (`sampleRate` → the shared sampler, not Honeycomb's own share,
    // whose variable SAMPLE_RATE means something else), else every field it feeds.
    const fields = fieldsOfOption(path);
    const own = fields.filter((f) => f.candidates.find((c) => c.kind === 'option')?.name === path);
    for (const f of own.length > 0 ? own : fields) {
      const env = f.candidates.find((c) => c.kind === 'env');
      if (env !== undefined) names.add(env.name.replace(/ \(.*\)$/, ''));
    }
  }
  return [...names];
}

/** Equal as data; a `source` field (the sampler's, each backend's) says only where a value came from, not what it is. */
function same(a: unknown, b: unknown): boolean {
  const withoutSource = (key: string, value: unknown): unknown => (key === 'source' ? undefined : value);
  return JSON.stringify(a, withoutSource) === JSON.stringify(b, withoutSource);
}
