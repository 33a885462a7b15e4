// The quorum calculator as a user meets it: served from a sub-path, dragged
// with the mouse, moved with the keyboard, reset with a preset button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('loads from a sub-path with no errors and starts balanced', async () => {
  const { page, context, problems } = await open(browser);
  const verdict = page.getByTestId('verdict');
  await assert.doesNotReject(verdict.waitFor());
  assert.match(await verdict.textContent(), /w \+ r = 4 > n = 3/);
  assert.equal(await page.getByLabel('n', { exact: true }).inputValue(), '3');
  await page.screenshot({ path: path.join(RESULTS, 'quorum-light.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('dragging the w slider to the left flips the verdict to stale', async () => {
  const { page, context, problems } = await open(browser);
  const w = page.getByLabel('w', { exact: true });
  await w.scrollIntoViewIfNeeded();
  const box = await w.boundingBox();
  const y = box.y + box.height / 2;
  // The thumb of a 1..3 slider at 2 sits in the middle; drag it to the far left.
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.25, y, { steps: 5 });
  await page.mouse.move(box.x + 1, y, { steps: 5 });
  await page.mouse.up();
  assert.equal(await w.inputValue(), '1');
  const verdict = page.getByTestId('verdict');
  await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').textContent.includes('stale'));
  assert.match(await verdict.textContent(), /^Reads may be stale\..*w \+ r = 3 ≤ n = 3/);
  assert.match(await page.getByTestId('stale-probability').textContent(), /^1\/3 = 33\.3 %/);
  assert.equal(await page.getByTestId('write-tolerance').textContent(), '2 node failures (n − w)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: raising n keeps the verdict honest and presets reset it', async () => {
  const { page, context } = await open(browser);
  const n = page.getByLabel('n', { exact: true });
  await n.focus();
  // One press at a time, each seen on screen before the next (as a person
  // does): below the slider the tour thumbnails may be drawing, and a press
  // that lands before the previous one re-rendered would be overwritten.
  for (let want = 4; want <= 9; want++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (v) => document.querySelector('[data-testid="n-value"]')?.textContent === v,
      String(want),
      { timeout: 5000 },
    );
  }
  assert.equal(await page.getByTestId('n-value').textContent(), '9');
  // n = 9, w = 2, r = 2: C(7,2)/C(9,2) = 21/36 = 7/12
  assert.match(await page.getByTestId('stale-probability').textContent(), /^7\/12 = 58\.3 %/);
  await page.getByRole('button', { name: /^Strong/ }).click();
  assert.equal(await page.getByTestId('w-value').textContent(), '9');
  assert.match(await page.getByTestId('verdict').textContent(), /^Reads see the latest write\./);
  assert.equal(await page.getByTestId('write-level').textContent(), 'ALL');
  await context.close();
});

test('dark colour scheme renders', async () => {
  const { page, context, problems } = await open(browser, '', { colorScheme: 'dark' });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(248, 250, 252)', 'dark theme should not use the light background');
  await page.screenshot({ path: path.join(RESULTS, 'quorum-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
