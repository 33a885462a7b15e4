// Chain replication as a user meets it: the write-path preset plays and
// the chain is drawn head to tail with each server's dirty writes; when
// the tail crashes, the master re-links the chain and node 2 becomes the
// tail, with nothing acknowledged lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const line = (page) => page.getByTestId('chain-line');

test('the write-path preset plays: head to tail, dirty on the way down, clean at the end', async () => {
  const { page, context, problems } = await open(browser, '?preset=chain-write-path');
  assert.equal(await page.getByTestId('preset').inputValue(), 'chain-write-path');
  await line(page).scrollIntoViewIfNeeded();
  const places = await line(page).locator('.chain-links .link .place').allTextContents();
  assert.deepEqual(places, ['head', 'middle', 'tail']);
  await page.getByRole('button', { name: 'Play' }).click();
  // While the write walks down the chain, some server holds it dirty.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chain-line] .link.dirty').length > 0, null, { timeout: 30000 });
  await seekTo(page, 'end');
  assert.equal(await line(page).locator('.link.dirty').count(), 0);
  assert.match(await line(page).locator('[data-testid=chain-node-3]').textContent(), /1 held/);
  assert.equal(await page.locator('[data-testid=anomalies] .anomaly-kind').count(), 0);
  await page.screenshot({ path: path.join(RESULTS, 'chain-write-path.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the tail crashes, and the master makes node 2 the tail', async () => {
  const { page, context, problems } = await open(browser, '?preset=chain-tail-crash');
  await seekTo(page, 'end');
  await line(page).scrollIntoViewIfNeeded();
  assert.match(await line(page).locator('h2').textContent(), /configuration 2/);
  const places = await line(page).locator('.chain-links .link .place').allTextContents();
  assert.deepEqual(places, ['head', 'tail']);
  assert.match(await line(page).locator('.chain-links [data-testid=chain-node-2] .place').textContent(), /tail/);
  const kinds = await page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  assert.ok(!kinds.includes('lost write'), kinds.join(', '));
  assert.deepEqual(problems, []);
  await context.close();
});
