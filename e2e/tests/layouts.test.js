// Layouts designed for the screen they are on, not shrunk onto it: a
// 700×450 embed has both pictures and Play inside its frame, a tour embed
// its caption and picture together; a phone has the pictures and Play on
// its first screen, a tapped node's actions next to it, a tour's caption
// beside the picture it talks about; the blog example is never wider than
// a phone. Screenshots of each are kept in test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS } from '../lib/browser.js';

const SITE_URL = process.env.SITE_URL ?? new URL('../', process.env.BASE_URL ?? 'http://127.0.0.1:8080/').href;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The element's box, or null when there is none. */
const boxOf = async (locator) => (await locator.count()) === 0 ? null : locator.first().boundingBox();

/** Whether `b` lies inside the viewport (with a pixel of slack). */
const inView = (b, { width, height }) => b && b.x >= -1 && b.y >= -1 && b.x + b.width <= width + 1 && b.y + b.height <= height + 1;

test('a 700×450 embed: both pictures and Play inside the frame, nothing to scroll', async () => {
  const viewport = { width: 700, height: 450 };
  const { page, context, problems } = await open(browser, '?embed=1&preset=single-leader-async-crash-loses-write', { viewport });
  await page.getByTestId('lane-heads').waitFor({ state: 'attached' });
  const play = await boxOf(page.getByRole('button', { name: 'Play' }));
  const topo = await boxOf(page.locator('.topology svg'));
  const diagram = await boxOf(page.getByTestId('spacetime'));
  assert.ok(inView(play, viewport), `Play at ${JSON.stringify(play)}`);
  assert.ok(inView(topo, viewport) && topo.height >= 150, `topology at ${JSON.stringify(topo)}`);
  assert.ok(inView(diagram, viewport) && diagram.height >= 150, `diagram at ${JSON.stringify(diagram)}`);
  // Side by side at this width.
  assert.ok(diagram.x >= topo.x + topo.width - 1, 'pictures side by side');
  const scroll = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(scroll[0] <= 700 && scroll[1] <= 451, `the frame scrolls: ${scroll}`);
  await page.screenshot({ path: path.join(RESULTS, 'layout-embed-700x450.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a narrow embed stacks its pictures, both still inside the frame', async () => {
  const viewport = { width: 380, height: 600 };
  const { page, context, problems } = await open(browser, '?embed=1&preset=leaderless-sloppy-quorum', { viewport });
  await page.getByTestId('lane-heads').waitFor({ state: 'attached' });
  const topo = await boxOf(page.locator('.topology svg'));
  const diagram = await boxOf(page.getByTestId('spacetime'));
  const play = await boxOf(page.getByRole('button', { name: 'Play' }));
  assert.ok(inView(play, viewport) && inView(topo, viewport) && inView(diagram, viewport), JSON.stringify({ play, topo, diagram }));
  assert.ok(diagram.y >= topo.y + topo.height - 1, 'stacked');
  await page.screenshot({ path: path.join(RESULTS, 'layout-embed-380x600.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a tour embed: caption, picture and the tour buttons in one 700×450 frame', async () => {
  const viewport = { width: 700, height: 450 };
  const { page, context, problems } = await open(browser, '?embed=1&tour=single-leader-async-crash-loses-write', { viewport });
  await page.getByTestId('tour-caption').waitFor();
  const caption = await boxOf(page.getByTestId('tour-caption'));
  const next = await boxOf(page.locator('.tour-next'));
  const topo = await boxOf(page.locator('.topology svg'));
  assert.ok(inView(next, viewport), `Next at ${JSON.stringify(next)}`);
  assert.ok(caption && caption.y < 450, `caption at ${JSON.stringify(caption)}`);
  assert.ok(inView(topo, viewport) && topo.height >= 120, `topology at ${JSON.stringify(topo)}`);
  await page.screenshot({ path: path.join(RESULTS, 'layout-tour-embed-700x450.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a phone: pictures and Play on the first screen; a tapped node opens its actions there', async () => {
  const viewport = { width: 390, height: 844 };
  const { page, context, problems } = await open(browser, '?preset=single-leader-async-crash-loses-write', { viewport, hasTouch: true, isMobile: true });
  await page.getByTestId('lane-heads').waitFor({ state: 'attached' });
  const play = await boxOf(page.getByRole('button', { name: 'Play' }));
  const topo = await boxOf(page.locator('.topology svg'));
  assert.ok(inView(play, viewport), `Play at ${JSON.stringify(play)}`);
  assert.ok(topo.y + topo.height / 2 < 844, `topology at ${JSON.stringify(topo)}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'the page scrolls sideways');
  // The description is cut to a few lines; More shows it whole.
  const short = (await boxOf(page.getByTestId('description'))).height;
  await page.getByRole('button', { name: 'More' }).click();
  assert.ok((await boxOf(page.getByTestId('description'))).height > short + 20);
  await page.getByRole('button', { name: 'Less' }).click();
  await page.screenshot({ path: path.join(RESULTS, 'layout-phone-390x844.png') });
  // Tap node 2: its Crash button is on screen, in a sheet that closes.
  await page.locator('.topology [data-node="2"]').tap();
  const crash = page.getByRole('button', { name: 'Crash node 2' });
  assert.ok(inView(await boxOf(crash), viewport), `Crash at ${JSON.stringify(await boxOf(crash))}`);
  await page.screenshot({ path: path.join(RESULTS, 'layout-phone-node-sheet.png') });
  await crash.tap();
  assert.match(await page.locator('.topology [data-node="2"]').getAttribute('class'), /down/);
  await page.getByRole('button', { name: 'Close the inspector' }).tap();
  assert.equal(await page.locator('.inspector.picked').count(), 0);
  // No keyboard hints on a touch screen.
  assert.equal(await page.locator('.tour-keys:visible').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a phone tour: the caption stays on screen while the picture is in view', async () => {
  const viewport = { width: 390, height: 844 };
  const { page, context, problems } = await open(browser, '?tour=single-leader-async-crash-loses-write', { viewport, hasTouch: true, isMobile: true });
  await page.getByTestId('tour-caption').waitFor();
  await page.locator('.topology svg').scrollIntoViewIfNeeded();
  await page.getByTestId('spacetime').scrollIntoViewIfNeeded();
  const caption = await boxOf(page.getByTestId('tour-caption'));
  const diagram = await boxOf(page.getByTestId('spacetime'));
  assert.ok(caption.y >= -1 && caption.y < 844 * 0.45, `caption at ${JSON.stringify(caption)}`);
  assert.ok(diagram.y < 844 && diagram.y + diagram.height > 0, `diagram at ${JSON.stringify(diagram)}`);
  assert.equal(await page.locator('.tour-keys:visible').count(), 0, 'keyboard hints on a touch screen');
  await page.screenshot({ path: path.join(RESULTS, 'layout-phone-tour.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the blog example is never wider than a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(new URL('examples/blog-post.html', SITE_URL).href);
  await page.locator('replica-scope').first().waitFor();
  // The later elements start when scrolled to.
  for (const el of await page.locator('replica-scope').all()) await el.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll('replica-scope')].every((e) => e.shadowRoot?.querySelector('.embed')), null, { timeout: 20000 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the post is ${width} px wide`);
  await page.screenshot({ path: path.join(RESULTS, 'layout-blog-390.png'), fullPage: true });
  await context.close();
});

test('a phone: lanes too narrow for words still say each node’s role', async () => {
  const viewport = { width: 390, height: 844 };
  const { page, context, problems } = await open(browser, '?preset=multi-leader-lww-clock-skew', { viewport });
  await page.getByTestId('lane-heads').waitFor({ state: 'attached' });
  const heads = page.locator('[data-testid=lane-heads] .lane-title');
  const n = await heads.count();
  assert.equal(n, 7);
  for (let i = 1; i < n; i++) {
    const head = heads.nth(i);
    const mark = (await head.locator('small').textContent()).trim();
    const title = await head.getAttribute('title');
    assert.equal([...mark].length, 1, `lane ${i}: "${mark}"`);
    // The mark is the initial of the role the tooltip names.
    const role = title.split(' · ')[1] ?? '';
    assert.equal(mark, role === 'down' ? '↓' : role[0].toUpperCase(), `${title} → ${mark}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
