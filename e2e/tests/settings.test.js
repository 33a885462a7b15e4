// "In a real database" for each architecture that has one: the leaderless
// ring shows Cassandra's and Riak's settings for its n, w and r, in
// current syntax; single-leader shows MySQL's 8.0.26+ semi-sync names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('leaderless, single-leader and multi-leader runs each show their real settings', async () => {
  const { page, context, problems } = await open(browser, '?preset=leaderless-sloppy-quorum');
  const card = page.getByTestId('real-settings');
  assert.deepEqual(await card.locator('h3').allTextContents(), ['Cassandra', 'Riak KV']);
  const text = await card.textContent();
  assert.match(text, /CONSISTENCY ALL;  -- writes: 3 of 3/);
  assert.match(text, /CONSISTENCY ONE;  -- reads: 1 of 3/);
  assert.doesNotMatch(text, /USING CONSISTENCY/);
  await page.getByTestId('preset').selectOption('single-leader-semi-sync-fallback');
  await card.locator('h3').first().waitFor();
  const mysql = await card.textContent();
  assert.match(mysql, /INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so';/);
  await page.getByTestId('preset').selectOption('multi-leader-lww-clock-skew');
  await page.waitForFunction(() => document.querySelector('[data-testid=real-settings] h3')?.textContent === 'CouchDB');
  assert.deepEqual(await card.locator('h3').allTextContents(), ['CouchDB', 'MySQL Group Replication']);
  assert.match(await card.textContent(), /no equivalent of last write wins/);
  assert.deepEqual(problems, []);
  await context.close();
});
