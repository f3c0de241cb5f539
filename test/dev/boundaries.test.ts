import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The dev server and its UI are the CLI's: no library entry (dualtrace, dualtrace/<adapter>, register) may reach them,
// so they never land in an app's bundle. The CLI is built on its own for the same reason (tsup.config.ts).
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('src/dev/ boundary', () => {
  it('should be imported only by the CLI and by itself', () => {
    const offenders = sources(SRC)
      .map((file) => relative(SRC, file))
      .filter((file) => !file.startsWith('dev/') && !file.startsWith('cli/'))
      .filter((file) => /from '(\.\.?\/)+(dev|cli)\//.test(readFileSync(join(SRC, file), 'utf8')) || /from '\.\/dev\//.test(readFileSync(join(SRC, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('should import nothing the library does not already depend on', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    const external = new Set<string>();
    for (const file of sources(join(SRC, 'dev'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '([^.'][^']*)'/g)) external.add(m[1]!);
    }
    const notBuiltIn = [...external].filter((name) => !name.startsWith('node:'));
    expect(notBuiltIn.filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });
});
