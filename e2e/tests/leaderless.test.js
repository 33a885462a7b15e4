// Leaderless replication as a user meets it: a sloppy quorum's write goes
// outside the key's preference list, so a read on a home replica is stale
// (and the anomaly list says so) while a stand-in holds a hint; and a
// shopping cart's siblings, read back at ALL from the request form, are
// the union of both clients' items.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a sloppy quorum leaves a stale read and a hint on the stand-in', async () => {
  const { page, context, problems } = await open(browser, '?preset=leaderless-sloppy-quorum');
  assert.equal(await page.getByTestId('preset').inputValue(), 'leaderless-sloppy-quorum');
  // Four nodes on the ring; x's replicas are nodes 1–3, node 4 stands in.
  assert.equal(await page.locator('.topology circle.hash-ring').count(), 1);
  assert.equal(await page.locator('.topology [data-node]').count(), 4);
  assert.deepEqual(await page.locator('.topology text.rank').allTextContents(), ['1st', '2nd', '3rd']);
  assert.equal(await page.locator('.topology .halo.stand-in').getAttribute('data-for'), '4');
  assert.equal(await page.locator('[data-testid=anomalies] .anomaly-kind').count(), 0);

  await seekTo(page, 350000);
  assert.equal(await page.locator('.topology [data-node="4"] .hint-badge text').textContent(), '1 hint');
  await page.screenshot({ path: path.join(RESULTS, 'leaderless-sloppy-quorum.png') });

  await seekTo(page, 'end');
  const kinds = await page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  // The stale read also leaves x's history with no linearization.
  assert.deepEqual([...kinds].sort(), ['not linearizable', 'stale read'], kinds.join(', '));
  const stale = page.locator('[data-testid=anomalies] .anomaly').filter({ hasText: 'stale read' });
  assert.match(await stale.locator('.anomaly-why').textContent(), /read of x at node 3 returned nothing \(version \{\}\), but write #0/);
  // Handed off: no node holds a hint any more.
  assert.equal(await page.locator('.topology .hint-badge').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a get at ALL from the form returns both carts, written back merged in one click', async () => {
  const { page, context, problems } = await open(browser, '?preset=leaderless-shopping-cart');
  // At 150 ms the cart has two siblings: {1, 3, 4} and {1, 2, 3, 5}.
  await seekTo(page, 150000);
  await page.locator('.topology [data-node="1"]').click();
  assert.match(await page.getByTestId('node-fields').textContent(), /cart \(2 siblings\)\s*\{1, 3, 4\} \| \{1, 2, 3, 5\}/);
  assert.equal(await page.getByLabel('Key', { exact: true }).inputValue(), 'cart');
  await page.getByLabel('Consistency level').selectOption({ label: 'ALL' });
  await page.getByRole('button', { name: 'Read', exact: true }).click();
  await page.waitForFunction(() => /get cart at ALL: waiting/.test(document.querySelector('[data-testid=kv-result]')?.textContent ?? ''));
  // All three replicas answer within two network delays.
  await seekTo(page, 165000);
  await page.waitForFunction(() => /get cart at ALL: the read returned 2 siblings: \{1, 3, 4\} \| \{1, 2, 3, 5\}/.test(document.querySelector('[data-testid=kv-result]')?.textContent ?? ''));
  assert.match(await page.getByTestId('narration').textContent(), /A client asks node 1: get cart at ALL\./);
  await page.screenshot({ path: path.join(RESULTS, 'leaderless-shopping-cart.png') });

  // Write back what the read returned, with the context it handed back:
  // one click fills the form, and the write replaces both siblings.
  await page.getByTestId('write-back').click();
  assert.equal(await page.getByLabel('Value', { exact: true }).inputValue(), '{1, 2, 3, 4, 5}');
  assert.match(await page.getByLabel('Write context (version vector)').inputValue(), /^\[\d+, \d+, \d+\]$/);
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  assert.equal(await page.getByTestId('client-error').count(), 0);
  // Before the preset's own write-back at 200 ms, node 1 already holds one cart.
  await seekTo(page, 195000);
  await page.locator('.topology [data-node="1"]').click();
  const fields = await page.getByTestId('node-fields').textContent();
  assert.doesNotMatch(fields, /cart \(2 siblings\)/, fields);
  assert.match(fields, /\{1, 2, 3, 4, 5\}/, fields);
  assert.deepEqual(problems, []);
  await context.close();
});
