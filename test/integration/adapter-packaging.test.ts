// Runs the BUILT package (dist/, from `npx tsup`) in child processes: each server adapter subpath must load by name,
// as ESM and as CommonJS, with the same named exports (and nothing else: helpers stay internal).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/child';

const EXPECTED = {
  express: ['errorTracing', 'tracing'],
  fastify: ['tracing'],
  koa: ['tracing'],
  hono: ['tracing'],
  http: ['traced'],
  fetch: ['traced'],
};

describe('server adapter subpaths', () => {
  it.each(['adapter-load.mjs', 'adapter-load.cjs'])('should load every adapter by name from %s', async (fixture) => {
    const result = await runFixture(fixture, {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED);
  });

  it('should have exports and typesVersions entries for each adapter', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }>;
      typesVersions: { '*': Record<string, string[]> };
    };
    for (const name of Object.keys(EXPECTED)) {
      expect(pkg.exports[`./${name}`]).toEqual({
        import: { types: `./dist/adapters/${name}.d.ts`, default: `./dist/adapters/${name}.js` },
        require: { types: `./dist/adapters/${name}.d.cts`, default: `./dist/adapters/${name}.cjs` },
      });
      expect(pkg.typesVersions['*'][name]).toEqual([`./dist/adapters/${name}.d.ts`]);
    }
  });
});
