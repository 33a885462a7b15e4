// Multi-leader replication as a user meets it: last write wins under
// clock skew silently throws away two acknowledged writes (and says so),
// and a CRDT counter shows each leader's own count in the inspector —
// including an increment the user sends from the request form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('last write wins under clock skew silently discards two writes', async () => {
  const { page, context, problems } = await open(browser, '?preset=multi-leader-lww-clock-skew');
  assert.equal(await page.getByTestId('preset').inputValue(), 'multi-leader-lww-clock-skew');
  assert.deepEqual(await page.locator('.topology [data-dc]').allTextContents(), ['dc 1', 'dc 2', 'dc 3']);
  // Nothing is discarded before the writes are made.
  assert.equal(await page.getByTestId('discarded').count(), 0);
  await seekTo(page, 'end');
  const kinds = await page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  assert.equal(kinds.filter((k) => /silently discarded/.test(k)).length, 2, kinds.join(', '));
  assert.match(await page.getByTestId('discarded').textContent(), /^2 acknowledged writes silently discarded/);
  await page.screenshot({ path: path.join(RESULTS, 'multi-leader-lww.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a CRDT counter keeps one count per leader, shown in the inspector', async () => {
  const { page, context, problems } = await open(browser, '?preset=multi-leader-crdt-counter');
  // At 200 ms a user adds 10 likes at dc 2's leader (node 3).
  await seekTo(page, 200000);
  await page.getByLabel('Node for the client request').selectOption('3');
  assert.equal(await page.getByLabel('Kind of request').inputValue(), '1', 'a counter is incremented');
  assert.equal(await page.getByLabel('Key', { exact: true }).inputValue(), 'likes');
  await page.getByLabel('Value', { exact: true }).fill('10');
  await page.getByRole('button', { name: 'Send on node 3' }).click();
  await page.waitForFunction(() => /increment likes by 10/.test(document.querySelector('[data-testid=kv-result]')?.textContent ?? ''));

  await seekTo(page, 'end');
  await page.locator('[data-node="1"]').click();
  assert.match(await page.locator('.inspector h3').first().textContent(), /^Node 1 · leader/);
  const rows = await page.getByTestId('node-internals').locator('tbody tr').allTextContents();
  const text = rows.join(' | ');
  assert.ok(rows.some((r) => /likes\s*node 1\s*\+5 −2/.test(r)), text);
  assert.ok(rows.some((r) => /node 3\s*\+13 −0/.test(r)), text);
  assert.ok(rows.some((r) => /value\s*16/.test(r)), text);
  await page.screenshot({ path: path.join(RESULTS, 'multi-leader-crdt-counter.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
