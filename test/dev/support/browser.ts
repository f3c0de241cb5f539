/**
 * A real Chromium for UI tests: Debian's `chromium` package driven by playwright-core (which downloads no browser).
 * `CHROMIUM_PATH` overrides the binary. The flags keep the browser off the network: this machine reaches nothing but
 * loopback, and the tests must not depend on more.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Why the browser tests cannot run here, or undefined when they can. */
export const NO_BROWSER = existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Screenshots are test artefacts: written under test-artifacts/ (ignored by git), kept after the run. */
export function artifactPath(name: string): string {
  const dir = fileURLToPath(new URL('../../../test-artifacts/dev-ui/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}`;
}
