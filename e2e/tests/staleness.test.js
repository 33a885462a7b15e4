// The staleness lab as a user meets it on its own page (?page=staleness):
// press Run, watch the progress bar fill and the curves arrive, read the
// legend and the table, export the chart as an SVG file, keep typing and
// stop while it runs, and share a link that reproduces the same numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launch, BASE_URL, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens `url` (relative to BASE_URL) and waits for the lab. */
async function openLab(url = '?page=staleness', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`); });
  await page.goto(new URL(url, BASE_URL).href);
  await page.locator('#staleness-lab h2').waitFor({ timeout: 15000 });
  return { page, context, problems };
}

const LEGEND = ['n=3 w=1 r=1', 'n=3 w=1 r=2', 'n=3 w=2 r=1', 'n=3 w=2 r=2'];

async function runToEnd(page, trials) {
  if (trials) await page.locator('#sl-trials').fill(String(trials));
  await page.getByTestId('staleness-run').click();
  await page.getByTestId('staleness-throughput').waitFor({ timeout: 60000 });
}

test('?page=staleness runs, draws a curve per n/w/r with a legend, and tabulates them', async () => {
  const { page, context, problems } = await openLab();
  // Only the lab: no simulator around it.
  assert.equal(await page.locator('.workbench').count(), 0);
  await page.locator('#sl-trials').fill('200000');
  await page.getByTestId('staleness-run').click();
  // Results stream in: the bar is there while it runs, then full.
  const bar = page.getByTestId('staleness-progress');
  await bar.waitFor();
  await page.getByTestId('staleness-throughput').waitFor({ timeout: 60000 });
  assert.equal(await bar.getAttribute('value'), '800000');
  assert.equal(await bar.getAttribute('max'), '800000');
  const done = await page.getByTestId('staleness-throughput').textContent();
  assert.match(done, /^Done: 800,000 trials in [\d.]+ s — [\d,]+ trials\/s/);

  const chart = page.getByTestId('staleness-chart');
  assert.equal(await chart.locator('polyline').count(), 4);
  assert.deepEqual(await chart.locator('.sl-entry text:first-of-type').allTextContents(), LEGEND);
  assert.match(await chart.locator('.sl-entry[data-curve="3-2-2"]').textContent(), /never stale/);
  assert.match(await chart.locator('.sl-entry[data-curve="3-1-1"]').textContent(), /99\.9 % at t = [\d.]+ ms/);
  assert.equal(await page.locator('tr[data-curve="3-2-2"] td.p0').textContent(), '100 %');
  const t999 = Number(await page.locator('tr[data-curve="3-1-1"] td.t999').textContent());
  assert.ok(t999 > 20 && t999 < 100, `t for 99.9 %: ${t999}`);
  await page.screenshot({ path: path.join(RESULTS, 'staleness-light.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('Export SVG downloads the chart as a standalone file', async () => {
  const { page, context, problems } = await openLab();
  await runToEnd(page, 20000);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('staleness-export').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'replicascope-staleness.svg');
  const svg = await readFile(await download.path(), 'utf8');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 80));
  assert.ok(svg.endsWith('</svg>'));
  assert.equal(svg.match(/<polyline /g).length, 4);
  for (const label of LEGEND) assert.ok(svg.includes(`>${label}</text>`), label);
  // Its colours are in the file, not in the page's stylesheet.
  assert.match(svg, /<rect class="sl-bg" [^>]*fill="#ffffff"/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page stays responsive during a long run, and Stop stops it', async () => {
  const { page, context, problems } = await openLab();
  await page.getByTestId('staleness-run').click(); // 4 × 1,000,000 trials
  await page.getByTestId('staleness-status').waitFor();
  // A timer set now fires after at most one slice, not after the run.
  const lateness = await page.evaluate(() => new Promise((resolve) => {
    const t = performance.now();
    setTimeout(() => resolve(performance.now() - t), 0);
  }));
  assert.ok(lateness < 250, `a 0 ms timer waited ${lateness} ms`);
  // Typing is handled while the trials run.
  const seed = page.locator('#sl-seed');
  await seed.fill('7');
  assert.equal(await seed.inputValue(), '7');
  assert.match(await page.getByTestId('staleness-status').textContent(), /^Running: [\d,]+ of 4,000,000 trials/);
  await page.getByTestId('staleness-stop').click();
  const stopped = await page.getByTestId('staleness-throughput').textContent();
  const trials = Number(stopped.match(/^Stopped after ([\d,]+) trials/)[1].replaceAll(',', ''));
  assert.ok(trials > 0 && trials < 4000000, stopped);
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('staleness-throughput').textContent(), stopped);
  assert.equal(await page.getByTestId('staleness-chart').locator('polyline').count(), 4);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a copied link reproduces the same numbers; a damaged one is explained', async () => {
  const { page, context, problems } = await openLab();
  await page.locator('#sl-model').selectOption('lnkd-ssd');
  await page.getByRole('button', { name: 'Remove curve 1' }).click();
  await page.locator('#sl-seed').fill('5');
  await runToEnd(page, 30000);
  const link = page.url();
  assert.match(link, /\?page=staleness#lab=[\w-]+$/);
  const table = await page.getByTestId('staleness-table').locator('tbody').textContent();

  const again = await context.newPage();
  await again.goto(link);
  await again.getByTestId('staleness-throughput').waitFor({ timeout: 60000 });
  assert.equal(await again.getByTestId('staleness-table').locator('tbody').textContent(), table);
  assert.equal(await again.locator('#sl-model').inputValue(), 'lnkd-ssd');
  assert.equal(await again.getByTestId('staleness-chart').locator('polyline').count(), 3);

  await again.goto(new URL('?page=staleness#lab=not-a-lab', BASE_URL).href);
  await again.reload();
  const notice = again.getByTestId('staleness-notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /could not be read .*Showing the defaults/);
  assert.equal(await again.locator('.sl-curve-row').count(), 4);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark colour scheme: the chart follows the theme', async () => {
  const { page, context, problems } = await openLab('?page=staleness', { colorScheme: 'dark' });
  await runToEnd(page, 20000);
  const bg = await page.locator('.sl-bg').evaluate((el) => getComputedStyle(el).fill);
  assert.notEqual(bg, 'rgb(255, 255, 255)');
  await page.screenshot({ path: path.join(RESULTS, 'staleness-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
