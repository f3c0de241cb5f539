import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Packaging is checked, not trusted (publint and attw run in `npm test` too). This runs after the build.
const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>;
  typesVersions: { '*': Record<string, string[]> };
  files: string[];
  sideEffects: string[] | boolean;
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

const adapters = readdirSync(new URL('src/adapters/', root)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));

describe('package.json', () => {
  it.each(adapters)('should export dualtrace/%s with import and require conditions and typesVersions', (name) => {
    const entry = pkg.exports[`./${name}`];
    expect(entry).toEqual({
      import: { types: `./dist/adapters/${name}.d.ts`, default: `./dist/adapters/${name}.js` },
      require: { types: `./dist/adapters/${name}.d.cts`, default: `./dist/adapters/${name}.cjs` },
    });
    expect(pkg.typesVersions['*'][name]).toEqual([`./dist/adapters/${name}.d.ts`]);
  });

  it('should point every export at a built file', () => {
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      const targets = typeof entry === 'string' ? [entry] : [entry.import.types, entry.import.default, entry.require.types, entry.require.default];
      for (const target of targets) expect(existsSync(new URL(target, root)), `${subpath} → ${target}`).toBe(true);
    }
  });

  it('should ship only dist and the docs, declare side effects only for register, and keep the X-Ray SDK out', () => {
    expect(pkg.files.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist']);
    expect(pkg.sideEffects).toEqual(['./dist/register.js', './dist/register.cjs']);
    expect(pkg.peerDependencies['@opentelemetry/api']).toBeDefined();
    expect(Object.keys(pkg.dependencies)).not.toContain('aws-xray-sdk-core');
    expect(Object.keys(pkg.dependencies)).not.toContain('@opentelemetry/api');
  });
});
