// SQL as a user meets it: open the statement-based preset, select node 2
// and see its table compared with the leader's, type a statement that
// does not parse (an error with its position, and the run unchanged), then
// run a good one (the run forks) and read what each log format would ship.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function traceHash(page) {
  await page.getByTestId('about').click();
  const hash = await page.getByTestId('trace-hash').textContent();
  await page.getByTestId('about').click();
  return hash;
}

async function seekToEnd(page) {
  await page.getByLabel('Time', { exact: true }).evaluate((el) => {
    el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

test('a follower table, a statement that does not parse, and one that runs', async () => {
  const { page, context, problems } = await open(browser, '#preset=single-leader-statement-nondeterminism');

  // Node 2's table, compared with the leader's.
  await page.locator('[data-node="2"]').click();
  const table = page.getByTestId('node-table');
  await table.waitFor();
  assert.match(await table.locator('caption').textContent(), /^Table accounts on node 2 — LSN \d+$/);
  assert.equal(await page.getByTestId('table-summary').textContent(), 'Same rows as the leader.');
  await seekToEnd(page);
  await page.waitForSelector('[data-testid=node-table] td.cell-diff');
  assert.match(await page.getByTestId('table-summary').textContent(), /^\d+ rows? differs? from the leader \(node 1\)$/);
  assert.match(await page.locator('td.cell-diff').first().getAttribute('title'), /\(leader: .+\)$/);
  await page.screenshot({ path: path.join(RESULTS, 'sql-node-2-table.png'), fullPage: true });

  // A statement that does not parse: an error with its position, nothing sent.
  const before = await traceHash(page);
  await page.getByRole('radio', { name: 'SQL' }).check();
  const box = page.getByLabel('SQL statement');
  await box.fill('UPDATE accounts SET balance = WHERE id = 1');
  await page.getByRole('button', { name: 'Run on node 1' }).click();
  const error = page.getByRole('alert').filter({ hasText: 'does not parse' });
  assert.match(await error.textContent(), /column 31: expected a value after '=' but found 'WHERE'/);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await traceHash(page), before, 'the run is unchanged');
  // Said once, not again by the log panel under it.
  assert.equal(await page.getByText('does not parse').count(), 1);

  // A table the cluster does not have: refused before sending, the run stays.
  await box.fill('DELETE FROM nowhere');
  await page.getByRole('button', { name: 'Run on node 1' }).click();
  assert.match(await page.getByTestId('client-error').textContent(), /no table 'nowhere'.*Nothing was sent/);
  assert.equal(await traceHash(page), before, 'no fork for a statement that could only be refused');

  // A good one: the run forks and the narration tells it.
  await page.getByRole('button', { name: 'RAND()', exact: true }).click();
  assert.equal(await box.inputValue(), 'UPDATE accounts SET balance = RAND() * 1000 WHERE id = 1');
  assert.equal(await page.getByTestId('client-error').count(), 0);
  const ship = page.getByTestId('log-formats');
  assert.match(await ship.textContent(), /statement-based \(this run\)1 event/);
  assert.match(await ship.textContent(), /row-based \(logical\)1 event/);
  await page.getByRole('button', { name: 'Run on node 1' }).click();
  assert.notEqual(await traceHash(page), before, 'the statement forked the run');
  assert.match(await page.getByTestId('narration').textContent(), /A client asks node 1: UPDATE accounts SET balance = RAND\(\) \* 1000 WHERE id = 1\./);
  await page.screenshot({ path: path.join(RESULTS, 'sql-ran.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a new follower added at the cursor copies a snapshot and catches up', async () => {
  const { page, context, problems } = await open(browser, '#preset=single-leader-async-write');
  assert.equal(await page.locator('[data-node]').count(), 2);
  await page.locator('[data-node="1"]').click();
  await page.getByRole('button', { name: 'Add a new follower here (snapshot + catch-up)' }).click();
  await page.locator('[data-node="3"]').waitFor();
  await seekToEnd(page);
  await page.locator('[data-node="3"]').click();
  const fields = page.getByTestId('node-fields');
  await fields.waitFor();
  assert.match(await page.locator('.inspector h3').first().textContent(), /^Node 3 · follower/);
  assert.match(await fields.textContent(), /replicationstreaming, in sync/);
  assert.deepEqual(problems, []);
  await context.close();
});
