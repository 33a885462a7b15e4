// The picture at the cursor is the system at that moment, on every screen:
// for every preset, at several cursor positions and at desktop, laptop and
// phone sizes and in a 700×450 embed, every lane of the space-time diagram
// is on screen with its header, no two lane headers overlap, no label of
// either picture covers another or is cut off at its edge (the boxes the
// browser drew, whatever the font), nothing in the anomaly list or the
// narration is later than the cursor, and the part after the cursor is
// dimmed. Then the two cases users met: a lost write and a discarded write
// listed before they happened, and a header that kept the starting role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, open, seekTo, RESULTS } from '../lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = [[1400, 900, ''], [1024, 768, ''], [390, 844, ''], [700, 450, '?embed=1']];

/** "12.5 ms" → 12500 µs. */
const us = (text) => Math.round(parseFloat(text) * 1000);

/** Boxes of `locator`'s elements. */
const boxes = (locator) => locator.evaluateAll((els) => els.map((e) => {
  const r = e.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent };
}));

const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/**
 * Labels of both pictures that cover one another or leave their picture.
 * Diagram: the words on arrows and lanes. Topology: every text (node
 * names, roles, log positions, the clients, requests, messages, datacenter
 * and ring labels). Both measured as drawn, in the page's own font.
 */
const labelClashes = (page) => page.evaluate(() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent.trim() }; };
  const hit = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const out = [];
  const check = (svg, selector, name) => {
    if (!svg) return;
    const frame = box(svg);
    const labels = [...svg.querySelectorAll(selector)]
      .filter((e) => e.textContent.trim() !== '' && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0)
      .map(box).filter((b) => b.r > b.l);
    for (let i = 0; i < labels.length; i++) {
      const a = labels[i];
      if (a.l < frame.l - 1 || a.r > frame.r + 1) out.push(`${name}: "${a.text}" is cut off at the edge`);
      for (let j = i + 1; j < labels.length; j++) {
        if (hit(a, labels[j])) out.push(`${name}: "${a.text}" covers "${labels[j].text}"`);
      }
    }
  };
  check(document.querySelector('.spacetime svg'), 'text.msg-label, text.client-label, text.note', 'diagram');
  check(document.querySelector('.topology > svg'), 'text', 'topology');
  return out;
});

async function checkAt(page, where, context) {
  const max = Number(await page.getByLabel('Time', { exact: true }).getAttribute('max'));
  const cursor = where === 'end' ? max : Math.round(max * where);
  await seekTo(page, cursor);
  await page.waitForTimeout(30);
  const at = `${context} at ${cursor} µs`;
  for (const t of await page.locator('[data-testid=anomalies] .anomaly time').allTextContents()) {
    assert.ok(us(t) <= cursor, `${at}: an anomaly at ${t} is listed`);
  }
  for (const t of await page.locator('[data-testid=narration] time').allTextContents()) {
    assert.ok(us(t) <= cursor, `${at}: narration at ${t}`);
  }
  assert.deepEqual(await labelClashes(page), [], at);
  const heads = page.locator('[data-testid=lane-heads] .lane-title');
  if (await heads.count() === 0) return; // a busy run: the canvas fits every lane by design
  const scroller = (await boxes(page.getByTestId('spacetime')))[0];
  const titles = await boxes(heads);
  for (const t of titles) {
    assert.ok(t.left >= scroller.left - 1 && t.right <= scroller.right + 1,
      `${at}: lane "${t.text}" is outside the diagram (${t.left}–${t.right} in ${scroller.left}–${scroller.right})`);
  }
  for (let i = 1; i < titles.length; i++) {
    assert.ok(!overlap(titles[i - 1], titles[i]), `${at}: lane headers "${titles[i - 1].text}" and "${titles[i].text}" overlap`);
  }
}

for (const [width, height, query] of SIZES) {
  test(`every preset at ${width}×${height}${query}: lanes in view, labels apart, nothing after the cursor`, async () => {
    const { page, context, problems } = await open(browser, query, { viewport: { width, height } });
    const ids = await page.getByTestId('preset').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(ids.length >= 40, `${ids.length} presets`);
    for (const id of ids) {
      await page.getByTestId('preset').selectOption(id);
      for (const where of [0, 0.15, 0.5, 'end']) await checkAt(page, where, `${id} at ${width}×${height}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a lost write is listed once it is lost, and the headers say who leads now', async () => {
  const { page, context, problems } = await open(browser, '?preset=single-leader-async-crash-loses-write', { viewport: { width: 1400, height: 900 } });
  const kinds = () => page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  const role = (lane) => page.locator('[data-testid=lane-heads] .lane-title').nth(lane).locator('small').textContent();
  // The leader acknowledges x = 1 at 10 ms and is still up.
  await seekTo(page, 10000);
  assert.ok(!(await kinds()).includes('lost write'), (await kinds()).join(', '));
  assert.equal(await role(1), 'leader');
  // Crashed at 20 ms: its header says so.
  await seekTo(page, 30000);
  assert.equal(await role(1), 'down');
  // Node 2 was promoted: from then on its header calls it the leader.
  await seekTo(page, 150000);
  assert.equal(await role(2), 'leader');
  assert.equal(await role(1), 'follower');
  await seekTo(page, 'end');
  assert.ok((await kinds()).includes('lost write'));
  // The future is dimmed below the now line; "hidden" hides it.
  await seekTo(page, 40000);
  const now = (await boxes(page.locator('.spacetime .now-line')))[0];
  const future = (await boxes(page.locator('.spacetime .future')))[0];
  assert.ok(Math.abs(future.top - now.top) <= 3, `${future.top} vs ${now.top}`);
  assert.match(await page.locator('.spacetime .future').getAttribute('class'), /dimmed/);
  await page.getByTestId('future').selectOption('hidden');
  assert.match(await page.locator('.spacetime .future').getAttribute('class'), /hidden/);
  await page.screenshot({ path: path.join(RESULTS, 'cursor-crash-40ms.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('last write wins: nothing is discarded before the winning write arrives', async () => {
  const { page, context, problems } = await open(browser, '?preset=multi-leader-lww-clock-skew', { viewport: { width: 1400, height: 900 } });
  const kinds = () => page.locator('[data-testid=anomalies] .anomaly-kind').allTextContents();
  await seekTo(page, 10000);
  assert.ok(!(await kinds()).includes('silently discarded write'));
  assert.match(await page.locator('[data-testid=anomalies]').textContent(), /more found later in the run/);
  await seekTo(page, 'end');
  assert.ok((await kinds()).includes('silently discarded write'));
  // Six nodes: every lane fits the column.
  assert.equal(await page.locator('[data-testid=lane-heads] .lane-title').count(), 7);
  await page.screenshot({ path: path.join(RESULTS, 'cursor-lww-end.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
