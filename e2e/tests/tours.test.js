// Guided tours as a reader meets them: a tour opened from the address
// pauses the run at its first stop; → walks through every stop, the
// caption and "Step k of N" changing each time, and past the last one the
// tour ends with the run kept; the same tour embedded (?embed=1) shows the
// player above the compact simulator; the start page lists the tours under
// the article's section headings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TOUR = 'single-leader-async-crash-loses-write';

test('?tour= plays a tour: → walks every step, then Finish leaves it', async () => {
  const { page, context, problems } = await open(browser, `?tour=${TOUR}`);
  const player = page.getByTestId('tour-player');
  await player.waitFor({ timeout: 15000 });
  const count = page.getByTestId('tour-count');
  const caption = page.getByTestId('tour-caption');
  const first = await count.textContent();
  const m = first.match(/^Step 1 of (\d+)/);
  assert.ok(m, first);
  const n = Number(m[1]);
  assert.ok(n >= 3, first);
  const seen = [await caption.textContent()];
  for (let k = 2; k <= n; k++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((k) => document.querySelector('[data-testid=tour-count]')?.textContent.startsWith(`Step ${k} of`), k);
    const text = await caption.textContent();
    assert.ok(!seen.includes(text), `step ${k} repeats a caption: ${text}`);
    seen.push(text);
    assert.match(page.url(), new RegExp(`#tour=${TOUR}&step=${k}&run=`));
  }
  await page.screenshot({ path: path.join(RESULTS, 'tour-last-step.png') });
  assert.equal((await page.locator('.tour-next').textContent()).trim(), 'Finish');
  const clock = await page.getByTestId('clock').textContent();
  await page.keyboard.press('ArrowRight');
  await player.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('clock').textContent(), clock, 'the run and the cursor stay');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?embed=1&tour= shows the player in embed mode; a bad id is named', async () => {
  const { page, context, problems } = await open(browser, `?embed=1&tour=${TOUR}`, { viewport: { width: 900, height: 640 } });
  await page.locator('.embed [data-testid=tour-player].embed').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('.site-header').count(), 0);
  assert.match(await page.getByTestId('tour-count').textContent(), /^Step 1 of \d+/);
  await page.getByRole('button', { name: 'Next →' }).click();
  assert.match(await page.getByTestId('tour-count').textContent(), /^Step 2 of \d+/);
  await page.screenshot({ path: path.join(RESULTS, 'tour-embed.png') });
  assert.deepEqual(problems, []);
  await context.close();

  const bad = await open(browser, '?tour=no-such-tour');
  const notice = await bad.page.getByTestId('notice').textContent();
  assert.match(notice, /no tour called 'no-such-tour'/);
  assert.match(notice, /single-leader-sync-write/);
  assert.equal(await bad.page.getByTestId('tour-player').count(), 0);
  await bad.context.close();
});

test('?page=tours lists the tours under six section headings with thumbnails', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(new URL('?page=tours', process.env.BASE_URL ?? 'http://127.0.0.1:8080/').href);
  await page.locator('#tours h2').waitFor({ timeout: 15000 });
  assert.equal(await page.locator('.workbench').count(), 0);
  assert.deepEqual(await page.locator('.tour-section h3').allTextContents(), [
    'Single-leader replication', 'Multi-leader replication', 'Leaderless replication',
    'Replication by consensus (Raft)', 'Chain replication', 'Comparing the three',
  ]);
  // Thumbnails are drawn for the cards on screen, lazily.
  await page.locator('.tour-thumb[data-ready=true] svg').first().waitFor({ timeout: 15000 });
  const cards = await page.locator('.tour-card').count();
  assert.ok(cards >= 40, `${cards} cards`);
  assert.ok(await page.locator('.tour-thumb[data-ready=true]').count() < cards, 'not every thumbnail up front');
  await page.screenshot({ path: path.join(RESULTS, 'tour-list.png') });
  // "Start tour" opens the simulator on the tour.
  await page.locator(`.tour-card[data-tour="${TOUR}"] [data-testid=start-tour]`).click();
  await page.getByTestId('tour-player').waitFor({ timeout: 15000 });
  assert.match(await page.getByTestId('tour-count').textContent(), /^Step 1 of/);
  assert.deepEqual(problems, []);
  await context.close();
});
