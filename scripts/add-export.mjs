// Adds (idempotently) a subpath `dualtrace/<name>` to package.json: `exports` with import/require conditions and
// `typesVersions` for moduleResolution "node" users. Usage: node scripts/add-export.mjs <name> [dist path without ext]
import { readFileSync, writeFileSync } from 'node:fs';

const [name, target = `adapters/${name}`] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: node scripts/add-export.mjs <name> [dist path without extension]');
  process.exit(2);
}
const file = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.exports[`./${name}`] = {
  import: { types: `./dist/${target}.d.ts`, default: `./dist/${target}.js` },
  require: { types: `./dist/${target}.d.cts`, default: `./dist/${target}.cjs` },
};
// Keep "./package.json" last and the rest sorted, so concurrent additions merge predictably.
const { ['./package.json']: pj, ['.']: root, ...rest } = pkg.exports;
pkg.exports = { '.': root, ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))), './package.json': pj };
pkg.typesVersions ??= { '*': {} };
pkg.typesVersions['*'][name] = [`./dist/${target}.d.ts`];
pkg.typesVersions['*'] = Object.fromEntries(Object.entries(pkg.typesVersions['*']).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`exports["./${name}"] → dist/${target}.{js,cjs,d.ts,d.cts}`);
