import { defineConfig } from 'tsup';

// Kept plain on purpose (entry/format/dts/clean): tsup's successor is tsdown, and a plain config moves in minutes.
// Every file directly in src/adapters/ is a subpath entry (dualtrace/<name>); test/packaging checks each has an
// `exports` entry in package.json (add one with `node scripts/add-export.mjs <name>`).
// The CLI is a second build of its own, so the library's chunks are the same with or without it (the dev server
// shares modules with the library, which would otherwise split the library's chunks differently).
export default defineConfig([
  {
    entry: ['src/index.ts', 'src/register.ts', 'src/adapters/*.ts', '!src/**/*.test.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli/**', '!dev-ui/**'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    // `import.meta.url` in the CommonJS build too: the optional AWS packages are resolved from dualtrace's own place.
    shims: true,
  },
  {
    entry: { 'cli/bin': 'src/cli/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: false,
    // The `dualtrace dev` UI's static files (HTML, CSS, browser modules), served from dist/dev-ui/ at run time.
    publicDir: 'src/dev/ui/public',
  },
]);
