import { defineConfig } from 'tsup';

// Kept plain on purpose (entry/format/dts/clean): tsup's successor is tsdown, and a plain config moves in minutes.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/bin': 'src/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  splitting: true,
});
