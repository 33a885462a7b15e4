// Raft as a user meets it: a preset plays and the consensus panel shows
// terms, votes and logs by term; stopping the leader from the panel forks
// the run, and the survivors elect a new leader of a higher term; the
// Figure 8 preset shows a lost write, and its exploration is offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const panel = (page) => page.getByTestId('consensus');
const server = (page, n) => page.getByTestId(`raft-node-${n}`);

test('the election preset plays: one leader of term 1, logs coloured by term, committed', async () => {
  const { page, context, problems } = await open(browser, '?preset=raft-election');
  assert.equal(await page.getByTestId('preset').inputValue(), 'raft-election');
  await panel(page).scrollIntoViewIfNeeded();
  // At the start nobody leads, and each follower's timer ring is full.
  await seekTo(page, 0);
  assert.equal(await panel(page).locator('.server.leader').count(), 0);
  assert.equal(await panel(page).locator('.timer-ring.election').count(), 3);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=consensus] .server.leader').length === 1, null, { timeout: 30000 });
  await seekTo(page, 'end');
  const leader = panel(page).locator('.server.leader');
  assert.equal(await leader.count(), 1);
  assert.match(await leader.getByTestId('raft-term').textContent(), /term 1/);
  // The no-op and two writes, all committed, on every server.
  for (const n of [1, 2, 3]) {
    assert.equal(await server(page, n).locator('.cell').count(), 3, `node ${n}'s log`);
    assert.equal(await server(page, n).locator('.cell.uncommitted').count(), 0);
  }
  assert.equal(await page.locator('[data-testid=anomalies] .anomaly-kind').count(), 0);
  await page.screenshot({ path: path.join(RESULTS, 'raft-election.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('stopping the leader from the panel forks the run, and the others elect a new one', async () => {
  const { page, context, problems } = await open(browser, '?preset=raft-leader-crash');
  await seekTo(page, 300000);
  await panel(page).scrollIntoViewIfNeeded();
  assert.match(await server(page, 1).textContent(), /leader/);
  await server(page, 1).getByRole('button', { name: 'Stop' }).click();
  // The fork: node 1 is down at the cursor; play on to the end.
  await page.waitForFunction(() => /down/.test(document.querySelector('[data-testid=raft-node-1]')?.textContent ?? ''));
  await seekTo(page, 'end');
  const leaders = panel(page).locator('.server.leader');
  assert.equal(await leaders.count(), 1);
  assert.doesNotMatch(await leaders.first().getAttribute('data-testid'), /raft-node-1/);
  assert.match(await leaders.getByTestId('raft-term').textContent(), /term [2-9]/);
  assert.match(await page.getByTestId('narration').textContent(), /leads term [2-9]/);
  assert.equal(await page.locator('[data-testid=anomalies] .anomaly-kind').filter({ hasText: 'lost write' }).count(), 0);
  await page.screenshot({ path: path.join(RESULTS, 'raft-leader-stopped.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('Figure 8 loses a committed write, and the explorer offers both Figure 8 searches', async () => {
  const { page, context, problems } = await open(browser, '?preset=raft-figure-8');
  await seekTo(page, 'end');
  const kinds = await page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  assert.ok(kinds.includes('lost write'), kinds.join(', '));
  const options = await page.getByTestId('explorer').locator('option').allTextContents();
  assert.ok(options.some((o) => /Figure 8: can a committed entry be overwritten/.test(o)), options.join(' | '));
  assert.ok(options.some((o) => /Figure 8 with the paper's rule/.test(o)), options.join(' | '));
  await page.screenshot({ path: path.join(RESULTS, 'raft-figure-8.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
