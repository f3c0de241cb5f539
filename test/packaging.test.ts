import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

// Packaging is checked, not trusted (publint and attw run in `npm test` too). This runs after the build.
const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  name: string;
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

  it.each([
    ['.', 'index'],
    ['./register', 'register'],
  ])('should export %s with import and require conditions', (subpath, file) => {
    expect(pkg.exports[subpath]).toEqual({
      import: { types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` },
      require: { types: `./dist/${file}.d.cts`, default: `./dist/${file}.cjs` },
    });
  });

  it('should point every export at a built file', () => {
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      const targets = typeof entry === 'string' ? [entry] : [entry.import.types, entry.import.default, entry.require.types, entry.require.default];
      for (const target of targets) expect(existsSync(new URL(target, root)), `${subpath} → ${target}`).toBe(true);
    }
  });

  it('should ship only dist and the docs, declare side effects only for register, and keep the X-Ray SDK out', () => {
    expect(pkg.files.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs']);
    expect(pkg.sideEffects).toEqual(['./dist/register.js', './dist/register.cjs']);
    expect(pkg.peerDependencies['@opentelemetry/api']).toBeDefined();
    expect(Object.keys(pkg.dependencies)).not.toContain('aws-xray-sdk-core');
    expect(Object.keys(pkg.dependencies)).not.toContain('@opentelemetry/api');
  });
});

describe('docs', () => {
  // Messages, the CLI and the README send users to docs/<page>.md: each page must exist, and docs/ ships.
  const sources = (dir: URL): URL[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(new URL(`${entry.name}/`, dir)) : /\.ts$/.test(entry.name) ? [new URL(entry.name, dir)] : [],
    );
  const referenced = new Set<string>();
  for (const file of [...sources(new URL('src/', root)), new URL('README.md', root)]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/docs\/([a-z-]+\.md)/g)) referenced.add(match[1]!);
  }

  it.each([...referenced].sort())('should ship docs/%s, which the package refers to', (page) => {
    expect(existsSync(new URL(`docs/${page}`, root))).toBe(true);
    expect(pkg.files).toContain('docs');
  });
});

/** Every JavaScript file of the build (ESM and CJS), recursively. */
function builtScripts(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return builtScripts(new URL(`${entry.name}/`, dir));
    return /\.c?js$/.test(entry.name) ? [new URL(entry.name, dir)] : [];
  });
}

// `from "x"`, `import("x")`, `require("x")` with a bare specifier (not ./ or ../) shaped like a package name: the
// dev viewer's page script is embedded as text in the CLI bundle, and its own `from "…"` fragments are not imports.
const BARE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?|node:[a-z_/]+)["']/g;
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('dependencies', () => {
  it('should be exactly what the built package imports, apart from peers and Node built-ins', () => {
    const imported = new Set<string>();
    for (const file of builtScripts(new URL('dist/', root))) {
      for (const match of readFileSync(file, 'utf8').matchAll(BARE_IMPORT)) imported.add(packageOf(match[1]!));
    }
    const builtins = new Set(builtinModules);
    // The package's own name shows up in the CLI's help text (and would be a legal self-reference).
    const declared = new Set([pkg.name, ...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    const undeclared = [...imported].filter((name) => !declared.has(name) && !builtins.has(name.replace(/^node:/, '')));
    const unused = Object.keys(pkg.dependencies).filter((name) => !imported.has(name));
    expect({ undeclared, unused }).toEqual({ undeclared: [], unused: [] });
  });
});
