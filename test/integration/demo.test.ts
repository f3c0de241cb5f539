import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run demo` as a test, on the BUILT package (npm test builds first), so the README's first command keeps working.
describe('npm run demo', () => {
  it('should show every trace reaching both backends and exit 0', async () => {
    const demo = fileURLToPath(new URL('../../examples/express-activities/demo.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', demo], { timeout: 30_000 });
    expect(stdout).toContain('Every trace reached both backends.');
    expect(stdout).toContain('segment            "4567-abc.ws-us89.gitpod.io"');
    expect(stdout).toMatch(/users-service\s+SERVER/);
    expect(stdout).toContain('http 500  fault');
    expect(stdout).not.toContain('hcxik_demo00000000'); // the key is never printed
  }, 40_000);
});
