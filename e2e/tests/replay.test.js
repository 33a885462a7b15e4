// The replay UI as a user meets it: load a preset, play and watch a message
// move, crash the leader, scrub back, share the run and open the link in a
// fresh page (same trace hash), embed it, export the diagram, survive a
// broken link and a run too big to record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function traceHash(page) {
  await page.getByTestId('about').click();
  const hash = await page.getByTestId('trace-hash').textContent();
  await page.getByTestId('about').click();
  return hash;
}

test('a preset plays and its messages move along the links', async () => {
  const { page, context, problems } = await open(browser, '#preset=single-leader-sync-write');
  assert.equal(await page.getByTestId('preset').inputValue(), 'single-leader-sync-write');
  assert.match(await page.getByTestId('description').textContent(), /synchronous/);
  // At 15 ms the replicate message is half-way from the leader to the follower.
  await seekTo(page, 15000);
  await page.waitForSelector('[data-testid=dots] .dot');
  const first = await page.locator('[data-testid=dots] .dot').first().getAttribute('transform');
  await seekTo(page, 18000);
  const later = await page.locator('[data-testid=dots] .dot').first().getAttribute('transform');
  assert.notEqual(first, later, 'the dot moved between 15 ms and 18 ms');
  await page.screenshot({ path: path.join(RESULTS, 'replay-in-flight.png') });
  // Playing advances the clock by itself.
  await seekTo(page, 0);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=clock]').textContent.startsWith('0 ms'));
  await page.getByRole('button', { name: 'Pause' }).click();
  assert.deepEqual(problems, []);
  await context.close();
});

test('crashing the leader forks the run, and scrubbing back shows it alive', async () => {
  const { page, context, problems } = await open(browser, '#preset=single-leader-async-write');
  const before = await traceHash(page);
  await seekTo(page, 12000);
  await page.locator('[data-node="1"]').click();
  await page.getByRole('button', { name: 'Crash node 1' }).click();
  await page.waitForSelector('[data-node="1"].down');
  const after = await traceHash(page);
  assert.notEqual(after, before, 'the intervention changed the run');
  assert.match(await page.getByTestId('narration').textContent(), /node 1 crashed/);
  await page.screenshot({ path: path.join(RESULTS, 'replay-crashed.png') });
  // Scrub back before the crash: the leader is up again.
  await seekTo(page, 5000);
  await page.waitForSelector('[data-node="1"]:not(.down)');
  // Step forward with the keyboard.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  assert.match(await page.getByTestId('clock').textContent(), /^10 ms/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a shared link replays the same run in a new page', async () => {
  const { page, context } = await open(browser, '#preset=single-leader-async-write');
  await seekTo(page, 12000);
  await page.locator('[data-node="2"]').click();
  await page.getByRole('button', { name: 'Crash node 2' }).click();
  await page.waitForSelector('[data-node="2"].down');
  const hash = await traceHash(page);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /#run=[A-Za-z0-9_-]+$/);

  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(link);
  await fresh.locator('.site-header h1').waitFor();
  assert.equal(await traceHash(fresh), hash);
  assert.match(await fresh.getByTestId('clock').textContent(), /^12 ms/);
  assert.equal(await fresh.locator('[data-node="2"].down').count(), 1);
  await other.close();
  await context.close();
});

test('embed mode is compact and links to the full page', async () => {
  const { page, context, problems } = await open(browser, '?embed=1&preset=single-leader-sync-write', { viewport: { width: 800, height: 500 } });
  await page.waitForSelector('.embed');
  assert.equal(await page.locator('.site-header').count(), 0);
  const href = await page.getByTestId('open-full').getAttribute('href');
  assert.match(href, /#run=/);
  assert.doesNotMatch(href, /embed=1/);
  await page.screenshot({ path: path.join(RESULTS, 'replay-embed.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the diagram exports as SVG and the trace as JSON', async () => {
  const { page, context } = await open(browser, '#preset=single-leader-async-crash-loses-write');
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = await readFile(await svgDownload.path(), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Node 1 · leader/);
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const trace = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  assert.ok(trace.steps.length > 0 && trace.messages.length > 0);
  assert.equal(trace.trace_hash, await traceHash(page));
  await context.close();
});

test('a broken link shows what was wrong and falls back to an example', async () => {
  const { page, context } = await open(browser, '#run=this-is-not-a-run');
  const notice = await page.getByTestId('notice').textContent();
  assert.match(notice, /This link could not be opened: the link is damaged/);
  assert.equal(await page.getByTestId('preset').inputValue(), 'single-leader-sync-write');
  await context.close();
});

test('a run too big to record stops at the step limit, says so, and the timeline ends there', async () => {
  // Valid, but billions of events: fifty chattering nodes for a simulated day.
  const scenario = { format: 1, seed: 1, protocol: { kind: 'chatter', nodes: 50, fanout: 20 }, network: { latency: { kind: 'exponential', rate_per_ms: 0.1 }, delivery: 'reorder' }, until_ms: 86400000 };
  const link = `#run=${Buffer.from(JSON.stringify({ v: 1, scenario, t_us: 0 })).toString('base64url')}`;
  const { page, context, problems } = await open(browser, link);
  const cut = page.getByTestId('cut-short');
  await cut.waitFor({ timeout: 30000 });
  // The same figures as `replicascope run` on this scenario (cli tests).
  assert.match(await cut.textContent(), /^This run stopped after 1200000 events, at 11999\.712 ms of the 86400000 ms it asked for/);
  assert.equal(await page.locator('input[aria-label="Time"]').getAttribute('max'), '11999712');
  assert.match(await page.getByTestId('clock').textContent(), /^0 ms \/ 11999\.712 ms/);
  await seekTo(page, 'end');
  await page.waitForFunction(() => /event 1200000 of 1200000/.test(document.querySelector('[data-testid=clock]').textContent));
  await cut.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(RESULTS, 'replay-cut-short.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad client input is refused with a message and the run stays', async () => {
  const { page, context } = await open(browser, '#preset=single-leader-async-write');
  const before = await traceHash(page);
  await page.getByLabel('Value', { exact: true }).fill('lots');
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  assert.match(await page.locator('.form-error').textContent(), /'lots' is not a whole number/);
  assert.equal(await traceHash(page), before);
  await context.close();
});

test('nodes are selectable from the keyboard and the seed can be changed', async () => {
  const { page, context, problems } = await open(browser, '#preset=chatter-5');
  await page.locator('[data-node="2"]').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.inspector h3').first().textContent(), /^Node 2 · peer/);
  const before = await traceHash(page);
  await page.getByRole('button', { name: 'Another seed' }).click();
  await page.waitForFunction((seed) => document.querySelector('#param-seed').value !== seed, '1');
  assert.notEqual(await traceHash(page), before, 'a new seed gives a new run');
  await page.getByLabel('Seed', { exact: true }).fill('1');
  await page.getByLabel('Seed', { exact: true }).dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('#param-seed').value === '1');
  assert.equal(await traceHash(page), before, 'seed 1 again gives the same run again');
  assert.deepEqual(problems, []);
  await context.close();
});

test('undo and redo take an intervention back and put it back, by button and by key', async () => {
  const { page, context, problems } = await open(browser, '?preset=single-leader-async-write');
  const original = await traceHash(page);
  await seekTo(page, 5000);
  await page.locator('.topology [data-node="1"]').click();
  await page.getByRole('button', { name: 'Crash node 1' }).click();
  const crashed = await traceHash(page);
  assert.notEqual(crashed, original);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  assert.equal(await traceHash(page), original, 'Undo gives back the preset run');
  assert.doesNotMatch(await page.locator('.topology [data-node="1"]').getAttribute('class'), /down/);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  assert.equal(await traceHash(page), crashed, 'Redo puts the crash back');
  // The same from the keyboard, with the focus on the page.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  assert.equal(await traceHash(page), original);
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await traceHash(page), crashed);
  assert.deepEqual(problems, []);
  await context.close();
});
