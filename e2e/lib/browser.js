// Launches Debian's Chromium (never a downloaded browser) with the flags
// this sandboxed, offline machine needs, and collects page errors so every
// test can assert the page loaded cleanly.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
export const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

export async function launch() {
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Moves the run's cursor to `us` microseconds ('end': the end of the run) with the scrub bar. */
export async function seekTo(page, us) {
  await page.getByLabel('Time', { exact: true }).evaluate((el, v) => {
    el.value = v === 'end' ? el.max : String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, us);
}

/** Opens `url` (relative to BASE_URL) and waits until the app has rendered. */
export async function open(browser, url = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`); });
  await page.goto(new URL(url, BASE_URL).href);
  await page.locator('.site-header h1, .embed').first().waitFor({ timeout: 15000 });
  return { page, context, problems };
}
