// "Find a counterexample" as a user meets it: on a preset, search every
// schedule in the page's Web Worker, see progress while the page keeps
// answering, stop a long search, open the shortest counterexample as a
// run at the violating step, play it, and share it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('w + r ≤ n: the explorer finds a stale read, and it opens and plays as a run', async () => {
  const { page, context, problems } = await open(browser, '#preset=leaderless-w-plus-r-not-above-n');
  const panel = page.getByTestId('explorer');
  await panel.scrollIntoViewIfNeeded();
  await page.getByTestId('explore-property').selectOption('stale-read');
  await page.getByTestId('explore-run').click();
  const result = page.getByTestId('explore-result');
  await result.waitFor({ timeout: 60000 });
  const text = await result.textContent();
  assert.match(text, /Stale read: read of x at node 3 returned nothing/);
  assert.match(text, /reached in 2 chosen steps/);
  await page.screenshot({ path: path.join(RESULTS, 'explore-found.png'), fullPage: true });
  await page.getByTestId('explore-open').click();
  // The counterexample is the run on screen, at the step that shows it.
  await page.waitForFunction(() => /stale read/i.test(document.querySelector('[data-testid=anomalies]')?.textContent ?? ''));
  assert.match(decodeURIComponent(page.url()), /#run=/, 'a share link holds the schedule');
  // The write at 0.001 ms, the read at 0.002 ms: the cursor is on the
  // read, the last of the five events (three starts, two choices).
  const clock = await page.getByTestId('clock').textContent();
  assert.match(clock, /^0\.002 ms .*event 5 of 5/);
  await page.screenshot({ path: path.join(RESULTS, 'explore-opened.png') });
  // It steps and plays like any run.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.getByTestId('clock').textContent(), /event 4 of 5/);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => /event 5 of 5/.test(document.querySelector('[data-testid=clock]').textContent));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a long search shows progress, the page keeps answering, and Stop ends it', async () => {
  const { page, context, problems } = await open(browser, '#preset=leaderless-quorum-not-linearizable');
  await page.getByTestId('explorer').scrollIntoViewIfNeeded();
  await page.getByTestId('explore-property').selectOption('linearizable');
  await page.getByTestId('explore-run').click();
  const progress = page.getByTestId('explore-progress');
  await page.waitForFunction(() => /Searching: [1-9]\d* states/.test(document.querySelector('[data-testid=explore-progress]')?.textContent ?? ''), null, { timeout: 30000 });
  // The simulator is not frozen: stepping still moves the clock.
  const before = await page.getByTestId('clock').textContent();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await page.getByTestId('clock').textContent(), before);
  await page.getByTestId('explore-stop').click();
  assert.match(await progress.textContent(), /^Stopped by you: .*the search was not complete\. \d+ states, depth \d+/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a property the protocol cannot violate is not offered, and bad input says so', async () => {
  const { page, context, problems } = await open(browser, '#preset=leaderless-w-plus-r-not-above-n');
  const offered = await page.getByTestId('explore-property').locator('option').allTextContents();
  assert.ok(offered.includes('stale-read') && !offered.includes('split-brain'), offered.join(', '));
  await page.getByTestId('explore-depth').fill('0');
  await page.getByTestId('explore-depth').dispatchEvent('change');
  await page.getByTestId('explore-run').click();
  await page.getByTestId('explore-error').waitFor({ timeout: 30000 });
  assert.match(await page.getByTestId('explore-error').textContent(), /max-depth must be between 1/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('opening another run ends a search in progress, and the card says so', async () => {
  const { page, context, problems } = await open(browser, '#preset=leaderless-quorum-not-linearizable');
  await page.getByTestId('explore-property').selectOption('linearizable');
  await page.getByTestId('explore-run').click();
  await page.waitForFunction(() => /Searching/.test(document.querySelector('[data-testid=explore-progress]')?.textContent ?? ''), null, { timeout: 30000 });
  await page.getByTestId('preset').selectOption('leaderless-w-plus-r-not-above-n');
  await page.getByTestId('explore-error').waitFor({ timeout: 30000 });
  assert.match(await page.getByTestId('explore-error').textContent(), /another run was opened before it finished/);
  assert.equal(await page.getByTestId('explore-run').isDisabled(), false, 'Run is available again');
  assert.deepEqual(problems, []);
  await context.close();
});
