// "Compare the three architectures" as a user meets it: on its own page
// (?page=compare) pick a fault, press Run, watch the six rows fill in
// with figures, then follow a figure to the simulator running exactly
// that run; on the simulator page a figure opens its run in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, BASE_URL, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ARCHS = ['single-leader-sync', 'single-leader-async', 'multi-leader', 'leaderless', 'raft', 'chain'];

/** Picks `fault`, presses Run and waits for all six rows. */
async function runComparison(page, fault) {
  const section = page.locator('#compare');
  await section.getByLabel('Fault for the comparison').selectOption(fault);
  await section.getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#compare tr.done').length === 6, null, { timeout: 30000 });
  return section;
}

test('?page=compare runs the comparison and a figure opens its run in the simulator', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(new URL('?page=compare', BASE_URL).href);
  await page.locator('#compare h2').waitFor({ timeout: 15000 });
  // Only the comparison: no simulator around it.
  assert.equal(await page.locator('.workbench').count(), 0);

  const section = await runComparison(page, 'partition');
  assert.deepEqual(await section.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.arch)), ARCHS);
  for (const arch of ARCHS) {
    const cells = await section.locator(`tr[data-arch="${arch}"] td`).allTextContents();
    assert.equal(cells.length, 8, arch);
    assert.ok(cells.every((c) => /\d/.test(c)), `${arch}: ${cells.join(' | ')}`);
  }
  // The partition's story in figures: sync refuses writes while cut off,
  // async takes them and loses some, leaderless keeps a quorum on two
  // datacenters out of three.
  const cell = (arch, col) => section.locator(`tr[data-arch="${arch}"] [data-col="${col}"]`).textContent();
  assert.match(await cell('single-leader-sync', 'availability'), /^0 % \(0\/\d+\)$/);
  assert.match(await cell('single-leader-async', 'availability'), /^100 % /);
  assert.ok(Number(await cell('single-leader-async', 'lost')) > 0);
  assert.match(await cell('leaderless', 'availability'), /^\d\d % /);
  assert.equal((await section.locator('.compare-why li').allTextContents()).length, 6);
  await page.screenshot({ path: path.join(RESULTS, 'compare.png'), fullPage: true });

  // A figure is a link to the simulator page (no ?page) holding its run.
  const link = section.locator('tr[data-arch="multi-leader"] [data-col="lost"] a');
  assert.match(await link.getAttribute('href'), /^\.\/#run=/);
  await link.click();
  await page.locator('.site-header h1').waitFor({ timeout: 15000 });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('page'), null);
  assert.match(url.hash, /^#run=/);
  // The run replays to the trace hash the link carries (no warning), from
  // its start, with one leader per datacenter.
  assert.equal(await page.getByTestId('notice').count(), 0);
  assert.match(await page.getByTestId('clock').textContent(), /^0 ms \/ /);
  assert.deepEqual(await page.locator('.topology [data-dc]').allTextContents(), ['dc 1', 'dc 2', 'dc 3']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on the simulator page a figure opens its run in place and scrolls up', async () => {
  const { page, context, problems } = await open(browser);
  const section = page.locator('#compare');
  await section.scrollIntoViewIfNeeded();
  await runComparison(page, 'crash');
  assert.match(await section.locator('tr[data-arch="leaderless"] [data-col="availability"]').textContent(), /^100 % /);
  const before = page.url();
  await section.locator('tr[data-arch="leaderless"] [data-col="write-p50"] a').click();
  await page.waitForFunction(() => /Opened the Leaderless/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''));
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  assert.notEqual(page.url(), before, 'the address holds the opened run');
  assert.match(await page.getByTestId('clock').textContent(), /^0 ms \/ /);
  assert.equal(await page.locator('.topology [data-node]').count(), 3);
  // The menu names the run: its architecture and its fault.
  assert.equal(await page.getByTestId('preset').locator('option:checked').textContent(), "Comparison: Leaderless (n=3, w=2, r=2) · Crash: dc 1's machine");
  assert.deepEqual(problems, []);
  await context.close();
});
