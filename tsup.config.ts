import { defineConfig } from 'tsup';

// Kept plain on purpose (entry/format/dts/clean): tsup's successor is tsdown, and a plain config moves in minutes.
// Every file directly in src/adapters/ is a subpath entry (dualtrace/<name>); test/packaging checks each has an
// `exports` entry in package.json (add one with `node scripts/add-export.mjs <name>`).
export default defineConfig({
  entry: ['src/index.ts', 'src/register.ts', 'src/cli/bin.ts', 'src/adapters/*.ts', '!src/**/*.test.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
});
