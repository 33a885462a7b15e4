// The embedding kit, as a reader meets it on someone else's page: the
// example blog post and mdBook chapter under examples/ load
// dist/replica-scope.js; two <replica-scope> elements animate on their own
// (the second only once scrolled to), the iframe loads with its options,
// a run handed over as an object shows, and bad attributes or a bad
// scenario read as sentences inside the element and in the console while
// the run stays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, RESULTS, BASE_URL } from '../lib/browser.js';

const SITE_URL = process.env.SITE_URL ?? new URL('../', BASE_URL).href;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPage(url, viewport = { width: 1100, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  const consoleErrors = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('response', (res) => { if (res.status() >= 400 && !res.url().endsWith('favicon.ico')) problems.push(`${res.status()} ${res.url()}`); });
  await page.goto(new URL(url, SITE_URL).href);
  return { page, context, problems, consoleErrors };
}

/** The virtual time (µs) on an element's scrub bar. */
function timeOf(page, id) {
  return page.locator(`#${id} input[aria-label="Time"]`).evaluate((el) => Number(el.value));
}

async function animates(page, id) {
  await page.locator(`#${id} .embed`).waitFor({ timeout: 20000 });
  const t0 = await timeOf(page, id);
  await page.waitForFunction(
    ([id, t0]) => Number(document.getElementById(id).shadowRoot.querySelector('input[aria-label="Time"]').value) > t0,
    [id, t0],
    { timeout: 10000 },
  );
  return true;
}

test('the blog post: two elements animate independently, the second starts when scrolled to', async () => {
  const { page, context, problems, consoleErrors } = await openPage('examples/blog-post.html');
  assert.ok(await animates(page, 'sloppy'), 'the first element plays');
  // Far below the fold: not started yet, only a placeholder.
  assert.equal(await page.locator('#quorum .embed').count(), 0, 'the second element waits to be scrolled to');
  await assert.doesNotReject(page.locator('#quorum .loading').waitFor({ timeout: 2000 }));
  await page.locator('#quorum').scrollIntoViewIfNeeded();
  assert.ok(await animates(page, 'quorum'), 'the second element plays once on screen');

  // Independent: pausing the second leaves the first playing.
  await page.locator('#quorum button[aria-label="Pause"]').click();
  const paused = await timeOf(page, 'quorum');
  await page.locator('#sloppy').scrollIntoViewIfNeeded();
  const s0 = await timeOf(page, 'sloppy');
  await page.waitForTimeout(600);
  assert.equal(await timeOf(page, 'quorum'), paused, 'the paused element stays paused');
  assert.notEqual(await timeOf(page, 'sloppy'), s0, 'the other one keeps playing (it loops)');

  // Options: view="diagram" has no topology; view="topology" no diagram;
  // height="380" is the element's fixed height.
  assert.equal(await page.locator('#sloppy .topology').count(), 0);
  assert.equal(await page.locator('#sloppy .spacetime').count(), 1);
  assert.equal(await page.locator('#quorum .spacetime').count(), 0);
  const h = await page.locator('#quorum .embed').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(h - 380) < 1.5, `fixed height 380, got ${h}`);

  // The keyboard inside one element moves only that one.
  await page.locator('#quorum .embed').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => Number(document.getElementById('quorum').shadowRoot.querySelector('input[aria-label="Time"]').value) > t, paused);

  // The run handed over through the `scenario` property: five nodes.
  await page.locator('#custom').scrollIntoViewIfNeeded();
  await page.locator('#custom .embed').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('#custom [role=alert]').count(), 0, 'no error for a valid scenario');
  const titles = await page.locator('#custom .spacetime .lane-title').allTextContents();
  assert.ok(titles.some((t) => t.startsWith('Node 5')), `the five-node scenario is on screen: ${titles}`);
  assert.ok(!titles.some((t) => t.startsWith('Node 6')), `${titles}`);

  // The iframe loads, with its options.
  const frame = page.frameLocator('#frame');
  await frame.locator('.embed.view-both.fixed-height').waitFor({ timeout: 20000 });
  const fh = await frame.locator('.embed').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(fh - 420) < 1.5, `iframe content fixed at 420, got ${fh}`);

  await page.screenshot({ path: path.join(RESULTS, 'embedding-blog-post.png'), fullPage: true });
  assert.deepEqual(problems, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('an invalid attribute or scenario reads as a sentence inside the element and in the console; the run stays', async () => {
  const { page, context, problems, consoleErrors } = await openPage('examples/blog-post.html');
  await page.evaluate(() => {
    const el = document.createElement('replica-scope');
    el.id = 'broken';
    el.setAttribute('preset', 'leaderless-sloppy-quorum');
    el.setAttribute('view', 'sideways');
    el.setAttribute('height', 'tall');
    document.querySelector('article').prepend(el);
  });
  const alert = page.locator('#broken [role=alert]');
  await alert.waitFor({ timeout: 20000 });
  const text = await alert.innerText();
  assert.match(text, /view="sideways" is not understood: expected topology, diagram or both/);
  assert.match(text, /height="tall" is not understood/);
  // The defaults stand in for what was wrong: both views, the preset's run.
  assert.equal(await page.locator('#broken .topology').count(), 1);
  assert.equal(await page.locator('#broken .spacetime').count(), 1);
  assert.ok(consoleErrors.some((e) => e.includes('<replica-scope>') && e.includes('view="sideways"')), consoleErrors.join('\n'));

  // A preset that does not exist (changed after start): named, run kept.
  const before = await page.locator('#broken select').first().inputValue();
  await page.evaluate(() => document.getElementById('broken').setAttribute('preset', 'no-such-preset'));
  await page.waitForFunction(() => document.getElementById('broken').shadowRoot.textContent.includes("no preset called 'no-such-preset'"));
  assert.equal(await page.locator('#broken select').first().inputValue(), before, 'the run on screen stays');

  // A scenario object with a wrong field: the message says where.
  await page.evaluate(() => {
    document.getElementById('broken').scenario = { format: 1, seed: 1, protocol: { kind: 'leaderless', nodes: 'five', n: 3, w: 2, r: 2 }, until_ms: 100 };
  });
  await page.waitForFunction(() => document.getElementById('broken').shadowRoot.textContent.includes('protocol.nodes'));
  const shown = await alert.innerText();
  assert.match(shown, /The scenario could not be read at protocol\.nodes/);
  assert.equal(await page.locator('#broken select').first().inputValue(), before, 'a bad scenario keeps the run too');

  // Out-of-range values are named by the validator.
  await page.evaluate(() => {
    document.getElementById('broken').scenario = { format: 1, seed: 1, protocol: { kind: 'leaderless', nodes: 3, n: 3, w: 9, r: 2 }, until_ms: 100 };
  });
  await page.waitForFunction(() => document.getElementById('broken').shadowRoot.textContent.includes('The scenario is not valid'));
  assert.ok(consoleErrors.some((e) => e.includes('The scenario is not valid')), 'and it is in the console');
  await page.locator('#broken').screenshot({ path: path.join(RESULTS, 'embedding-error.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the mdBook chapter plays its element', async () => {
  const { page, context, problems, consoleErrors } = await openPage('examples/mdbook/book/leaderless.html');
  assert.ok(await animates(page, 'chapter-diagram'));
  assert.equal(await page.locator('#chapter-diagram .topology').count(), 1);
  // mdBook sets the root font size to 10px; the element keeps its own sizes.
  const sizes = await page.locator('#chapter-diagram [data-testid=clock]').evaluate((el) => [getComputedStyle(el).fontSize, getComputedStyle(document.documentElement).fontSize]);
  assert.equal(sizes[1], '10px', 'mdBook still sets a 10px root');
  assert.ok(parseFloat(sizes[0]) >= 14, `the element's text stays readable: ${sizes[0]}`);
  await page.screenshot({ path: path.join(RESULTS, 'embedding-mdbook.png') });
  assert.deepEqual(problems, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('iframe options: one view, no controls, fixed height, autoplay; a bad option is named', async () => {
  const { page, context, problems } = await open(browser, '?embed=1&preset=leaderless-sloppy-quorum&view=diagram&controls=hide&height=300&autoplay=1&speed=3', { viewport: { width: 700, height: 320 } });
  await page.locator('.embed.view-diagram.fixed-height').waitFor();
  assert.equal(await page.locator('.topology').count(), 0);
  assert.equal(await page.locator('.controls').count(), 0, 'no controls');
  assert.equal(await page.locator('.embed-bar').count(), 0, 'no preset bar');
  const h = await page.locator('.embed').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(h - 300) < 1.5, `height 300, got ${h}`);
  // Playing without controls: the now-line moves.
  const x0 = await page.locator('.spacetime .now-line').evaluate((el) => el.getBoundingClientRect().top + el.getBoundingClientRect().left);
  await page.waitForFunction((x0) => {
    const r = document.querySelector('.spacetime .now-line').getBoundingClientRect();
    return r.top + r.left !== x0;
  }, x0, { timeout: 10000 });
  assert.deepEqual(problems, []);
  await context.close();

  const bad = await open(browser, '?embed=1&preset=leaderless-sloppy-quorum&view=sideways&autoplay=perhaps');
  const notice = bad.page.locator('[data-testid=notice]');
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /view="sideways" is not understood/);
  assert.match(text, /autoplay="perhaps" is not understood/);
  assert.equal(await bad.page.locator('.topology').count(), 1, 'defaults stand in');
  await bad.context.close();
});

test("the app's Embed panel offers the element snippet for an unchanged preset", async () => {
  const { page, context, problems } = await open(browser, '#preset=leaderless-sloppy-quorum');
  await page.getByTestId('embed').click();
  const snippet = await page.getByTestId('element-snippet').inputValue();
  assert.match(snippet, /^<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/replicascope\/replica-scope\.js"><\/script>\n<replica-scope preset="leaderless-sloppy-quorum" view="both" autoplay><\/replica-scope>$/);
  // The script it names is really there.
  const src = snippet.match(/src="([^"]+)"/)[1];
  const res = await page.request.get(src);
  assert.equal(res.status(), 200);
  assert.match(await res.text(), /customElements\.define\("replica-scope"/);
  assert.deepEqual(problems, []);
  await context.close();
});
