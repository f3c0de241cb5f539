/**
 * The AWS SDK packages that sign X-Ray OTLP requests are optional peer dependencies: loaded only when signing is on,
 * never on the daemon path, and named in a ConfigError (with the npm install line) when they are missing. Runs the
 * BUILT package in child processes (`npm test` builds first).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBackends } from '../helpers/backends';
import { FIXTURES, runFixture } from '../helpers/child';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the optional AWS packages', () => {
  const backends = useBackends();

  it('should not be loaded by an app on the daemon transport', async () => {
    const result = await runFixture('aws-packages-app.mjs', { TEST_ENDPOINT: backends.honeycomb.url, TEST_DAEMON: backends.xray.daemonAddress, TRANSPORT: 'daemon' });
    expect(JSON.parse(result.stdout)).toEqual({ transport: 'daemon', loaded: [] });
    await backends.xray.waitFor(1); // it did export
  });

  it('should be loaded when X-Ray is sent over OTLP with SigV4 (the control for the case above)', async () => {
    const result = await runFixture('aws-packages-app.mjs', {
      TEST_ENDPOINT: backends.honeycomb.url,
      TRANSPORT: 'otlp',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const { loaded } = JSON.parse(result.stdout) as { loaded: string[] };
    expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/credential-provider-node', '@smithy/hash-node', '@smithy/signature-v4']));
    await backends.honeycomb.waitFor((spans) => spans.filter((s) => s.name === 'exported').length === 2); // Honeycomb and X-Ray
  });
});

describe('a project without the optional AWS packages', () => {
  let project: string;

  // The built package copied into a project whose node_modules has dualtrace's dependencies (linked) but not the
  // optional AWS packages: what `npm install dualtrace` gives an app that did not add them.
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'dualtrace-no-aws-'));
    const own = join(project, 'node_modules', 'dualtrace');
    mkdirSync(own, { recursive: true });
    cpSync(join(ROOT, 'dist'), join(own, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(own, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules', '@opentelemetry'), join(project, 'node_modules', '@opentelemetry'), 'dir');
    cpSync(join(FIXTURES, 'missing-sigv4-app.mjs'), join(project, 'app.mjs'));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('should refuse signed X-Ray over OTLP with a ConfigError that gives the exact npm install line', async () => {
    const result = await runFixture(join(project, 'app.mjs'), {});
    const error = JSON.parse(result.stdout) as { code: string; option: string; name: string; message: string };
    expect(error).toMatchObject({ name: 'ConfigError', code: 'DT_CONFIG_MISSING_PACKAGE', option: 'xray.sigv4' });
    expect(error.message).toContain(
      'npm install @smithy/signature-v4@^5.7.0 @aws-sdk/credential-provider-node@^3.972.0 @smithy/hash-node@^4.5.0',
    );
    expect(error.message).toContain('xray.sigv4: false');
  });
});
