import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTracing, type Tracing } from 'dualtrace';
import { startDevServer, type DevServer } from '../../src/dev/server/dev-server';
import { createApp } from '../../examples/express-activities/app.mjs';
import { artifactPath, launchChromium, NO_BROWSER } from './support/browser';

const HOST = '4567-abc.ws-us89.gitpod.io';
/** What the page shows after an update: given time on a loaded machine (the one-second promise is checked on its own). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 5_000 });
const HOME = 'GET /api/activities/home';

// The viewer in a real browser, fed by the Express example through dualtrace's real exporters.
describe.skipIf(NO_BROWSER)(`dualtrace dev UI in Chromium${NO_BROWSER ? ` (skipped: ${NO_BROWSER})` : ''}`, () => {
  let dev: DevServer;
  let tracing: Tracing;
  let app: Server;
  let appPort: number;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dev = await startDevServer({ otlpPort: 0, xrayPort: 0, uiPort: 0 });
    tracing = initTracing({
      service: 'backend-flask',
      xrayUrl: `*${HOST}*`,
      dev: true,
      honeycomb: { endpoint: dev.urls.otlp },
      xray: { daemonAddress: dev.urls.daemonAddress },
      flushOnExit: false,
      logLevel: 'none',
      // Adapters only: the app's tracing() traces it (the viewer's own servers are never traced).
      instrumentation: { server: false },
    });
    app = createApp({ usersUrl: 'http://127.0.0.1:9' }).listen(0, '127.0.0.1');
    await once(app, 'listening');
    appPort = (app.address() as AddressInfo).port;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await tracing?.shutdown();
    app?.close();
    await dev?.close();
  });

  it('should say honestly that nothing has arrived yet', async () => {
    await page.goto(dev.urls.ui);
    await poll(() => page.getByRole('heading', { name: 'No traces yet' }).isVisible()).toBe(true);
    expect(await page.locator('main pre').textContent()).toContain(`AWS_XRAY_DAEMON_ADDRESS=${dev.urls.daemonAddress}`);
    await page.screenshot({ path: artifactPath('01-empty-1280.png') });
  });

  // The page is pushed each trace as it arrives (server-sent events), so it shows up well within a second of its
  // export on an idle machine; the bound here is generous because CI machines are not idle (no timing assertions).
  it('should list a trace from the Express example as soon as it is exported, without a reload', async () => {
    expect(await get('/api/activities/home')).toBe(200);
    await tracing.forceFlush();
    await page.getByRole('link', { name: HOME }).waitFor({ timeout: 5_000 });
    await poll(() => page.getByRole('heading', { name: 'No traces yet' }).count()).toBe(0);
  });

  it('should show the same trace as Honeycomb and as X-Ray, with the expected names, linked by id', async () => {
    await page.getByRole('link', { name: HOME }).click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    const honeycomb = page.locator('[data-panel="honeycomb"]');
    const xray = page.locator('[data-panel="xray"]');
    await poll(() => honeycomb.locator('button.row').allInnerTexts()).toEqual([
      expect.stringContaining(HOME), expect.stringContaining('home-activities-mock-data'),
    ]);
    await poll(() => xray.locator('button.row .name').allInnerTexts()).toEqual([HOST, 'home-activities-mock-data']);
    expect(await xray.locator('button.row').first().innerText()).toContain('segment');

    // Selecting in one view selects the same id in the other, and the detail shows both sides.
    await honeycomb.getByRole('button', { name: /home-activities-mock-data/ }).click();
    const id = new URL(page.url()).searchParams.get('span')!;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    await poll(() => xray.locator(`button.row[data-id="${id}"]`).getAttribute('aria-pressed')).toBe('true');
    const detail = page.locator('section.detail');
    expect(await detail.innerText()).toContain('app.result_length');
    expect(await detail.innerText()).toMatch(/X-Ray subsegment/);
    await page.screenshot({ path: artifactPath('02-trace-1280.png'), fullPage: true });
  });

  it('should keep the trace and the selection on reload', async () => {
    const before = page.url();
    await page.reload();
    expect(page.url()).toBe(before);
    const id = new URL(before).searchParams.get('span')!;
    await poll(() => page.locator(`[data-panel="xray"] button.row[data-id="${id}"]`).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#detail-title').innerText()).toContain(id);
  });

  it('should show a 500 as fault in the X-Ray view and as error in the Honeycomb view', async () => {
    expect(await get('/api/activities/broken')).toBe(500);
    await tracing.forceFlush();
    await page.goto(dev.urls.ui);
    await page.getByRole('link', { name: 'GET /api/activities/broken' }).click();
    const hcRow = page.locator('[data-panel="honeycomb"] button.row').first();
    const xrRow = page.locator('[data-panel="xray"] button.row').first();
    await poll(() => xrRow.innerText()).toContain('fault');
    expect(await hcRow.innerText()).toContain('error');
    expect(await xrRow.innerText()).toContain('500');
    await xrRow.click();
    const detail = await page.locator('section.detail').innerText();
    expect(detail).toMatch(/error\s+true/); // Honeycomb's error field
    expect(detail).toContain('the database is on fire'); // X-Ray cause
    await page.screenshot({ path: artifactPath('03-fault-1280.png'), fullPage: true });
  });

  it('should flag an invalid X-Ray document on the segment it concerns, and a datagram the daemon would drop', async () => {
    const traceId = `${Math.floor(Date.now() / 1000).toString(16)}${'ab12'.repeat(6)}`;
    const xrayTraceId = `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
    const now = Date.now() / 1000;
    await sendDatagram(`{"format":"json","version":1}\n${JSON.stringify({
      name: 'checkout', id: '1111222233334444', trace_id: xrayTraceId, start_time: now, end_time: now + 0.05,
      subsegments: [{ name: 'charge card', id: '5555666677778888', start_time: now, end_time: now + 0.01, annotations: { 'user-id': 'u1' } }],
    })}`);
    await sendDatagram('not a header\n{}');
    await page.goto(`${dev.urls.ui}/traces/${traceId}`);
    const bad = page.locator('[data-panel="xray"] button.row[data-id="5555666677778888"]');
    await poll(() => bad.innerText()).toContain('✖ 1');
    expect(await page.locator('[data-panel="xray"] button.row[data-id="1111222233334444"]').innerText()).not.toContain('✖');
    await bad.click();
    expect(await page.locator('section.detail .problems').innerText()).toContain('Annotation key "user-id"');
    await page.goto(dev.urls.ui);
    await poll(() => page.locator('.unattributed').innerText()).toContain('Invalid header');
  });

  it('should be usable with the keyboard: arrows between rows, Enter to open and select, Escape to go back', async () => {
    await page.goto(dev.urls.ui);
    await page.getByRole('link').filter({ hasText: HOME }).waitFor();
    await page.getByRole('link', { name: HOME }).focus();
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate('document.activeElement?.textContent')).not.toBe(HOME);
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(HOME);
    await page.keyboard.press('Enter');
    await poll(() => page.url()).toMatch(/\/traces\//);
    await page.locator('[data-panel="honeycomb"] button.row').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = await page.locator('[data-panel="honeycomb"] button.row').nth(1).getAttribute('data-id');
    await poll(() => new URL(page.url()).searchParams.get('span')).toBe(second);
    await page.keyboard.press('Escape');
    await poll(() => page.url()).toBe(`${dev.urls.ui}/`);
  });

  it('should say so when a trace is not in memory', async () => {
    await page.goto(`${dev.urls.ui}/traces/${'f'.repeat(32)}`);
    await poll(() => page.getByRole('alert').innerText()).toContain('is not in memory');
  });

  it('should stay readable in a narrow window', async () => {
    const narrow = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await narrow.goto(dev.urls.ui);
    await narrow.getByRole('link', { name: HOME }).click();
    await narrow.locator('[data-panel="xray"] button.row').first().waitFor();
    const overflow = await narrow.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await narrow.screenshot({ path: artifactPath('04-trace-420.png'), fullPage: true });
    await narrow.goto(dev.urls.ui);
    await narrow.screenshot({ path: artifactPath('05-list-420.png'), fullPage: true });
    await narrow.close();
  });

  // Last: it stops the viewer.
  it('should say so when dualtrace dev stops, instead of showing stale data as live', async () => {
    await page.goto(dev.urls.ui);
    await poll(() => page.locator('#conn').innerText()).toContain('live');
    await dev.close();
    await poll(() => page.locator('#conn').innerText()).toContain('Lost the connection to dualtrace dev');
  });

  function get(path: string): Promise<number> {
    // The test's own request is not traced: the trace starts in the app, as with a browser.
    return context.with(suppressTracing(context.active()), () => new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: appPort, path, headers: { host: HOST } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    }));
  }

  async function sendDatagram(text: string): Promise<void> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => socket.send(Buffer.from(text), dev.ports.xray, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    socket.close();
  }
});
