import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The UI's files: plain HTML, CSS and ES modules, no framework and nothing from the network. */
export const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const DIR_NAME = 'dev-ui';

/**
 * Where the UI files are: `src/dev/ui/public/dev-ui/` when running from source, `dist/dev-ui/` in the package (the
 * build copies them there). Searched upwards from this module, wherever the bundler put it.
 */
export function findAssetDir(from: string = moduleDir()): string {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    for (const candidate of [join(dir, DIR_NAME), join(dir, 'ui', 'public', DIR_NAME), join(dir, 'dev', 'ui', 'public', DIR_NAME)]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`dualtrace dev: the UI files (${DIR_NAME}/index.html) are missing from the installation`);
}

function moduleDir(): string {
  // In the CommonJS build import.meta is empty and __filename is the module's own path.
  return typeof __filename === 'string' ? dirname(__filename) : dirname(fileURLToPath(import.meta.url));
}

/** Reads the UI files once: they are small and never change while the server runs. */
export function loadAssets(dir: string = findAssetDir()): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of ['index.html', 'app.css', 'app.js', 'api.js', 'dom.js', 'format.js', 'list.js', 'trace.js', 'rows.js', 'honeycomb-view.js', 'xray-view.js', 'detail.js', 'favicon.svg']) {
    const ext = name.slice(name.lastIndexOf('.'));
    files.set(name, { type: ASSET_TYPES[ext]!, body: readFileSync(join(dir, name)) });
  }
  return files;
}
