// Open a history (?page=history, and the card on the main page): real
// histories from Porcupine's and Knossos's test suites are chosen as files
// and get the verdicts those suites assert; the verdict names the failing
// key and the operations that cannot follow the linearized prefix, drawn
// on a canvas; bad input leaves the last result in place; a history of
// 100 000 operations is checked without taking the page hostage, and a
// long search can be stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, BASE_URL, RESULTS } from '../lib/browser.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'tests', 'fixtures', 'linearizability');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPage(url = '?page=history') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  await page.goto(new URL(url, BASE_URL).href);
  await page.locator('#history-check h2').waitFor({ timeout: 15000 });
  return { page, context, problems };
}

async function choose(page, fixture) {
  await page.getByTestId('history-file').setInputFiles(path.join(FIXTURES, fixture));
}

/** Waits until the check is over and returns the verdict's text. */
async function verdict(page) {
  const v = page.getByTestId('history-verdict');
  await v.waitFor({ timeout: 60000 });
  await page.waitForFunction(() => !/Checking/.test(document.querySelector('[data-testid=history-verdict]')?.textContent ?? 'Checking'), null, { timeout: 60000 });
  return (await v.textContent()).trim();
}

test('the example: a stale read after a newer one is not linearizable, and the diagram shows why', async () => {
  const { page, context, problems } = await openPage();
  assert.equal(await page.locator('.workbench').count(), 0, 'the page stands alone');
  await page.getByRole('button', { name: 'Try an example' }).click();
  assert.equal(await verdict(page), 'Not linearizable');
  assert.match(await page.getByTestId('history-summary').textContent(), /^Jepsen log \(the example\), register model: 5 operations by 4 processes over 1 key\(s\)\. 1 of 1 keys checked/);
  assert.match(await page.getByTestId('history-invalid').textContent(), /The register: not linearizable/);
  // The read of nil (invoked on line 4) that answered after a read of 1
  // had: it is the one that cannot follow.
  const stuck = await page.getByTestId('history-stuck').allTextContents();
  assert.ok(stuck.length >= 1);
  assert.match(stuck[0], /^line 4: process 2 — read → nil$/);
  const canvas = page.getByTestId('history-diagram').locator('canvas');
  assert.match(await canvas.getAttribute('aria-label'), /4 processes, 5 operations in view/);
  const box = await canvas.boundingBox();
  assert.ok(box.width > 600 && box.height > 100, `canvas ${box.width}×${box.height}`);
  // Something is painted: the canvas is not blank.
  const inked = await canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  assert.ok(inked > 1000, `painted pixels: ${inked}`);
  // Clicking the red bar (found by its fill colour) names its line.
  const red = await canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] === 0xfe && d[i + 1] === 0xe2 && d[i + 2] === 0xe2) {
        const p = i / 4;
        const scale = c.clientWidth / c.width;
        return { x: (p % c.width) * scale + 6, y: Math.floor(p / c.width) * scale + 4 };
      }
    }
    return null;
  });
  assert.ok(red, 'a red bar is drawn');
  await canvas.click({ position: red });
  assert.match(await page.getByTestId('history-op').textContent(), /^Line 4: process 2 — read → nil; invoked at event 4, answered at event 5; cannot follow the linearized prefix\.$/);
  await page.screenshot({ path: path.join(RESULTS, 'history-example.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('real histories get the verdicts their own test suites assert', async () => {
  const { page, context, problems } = await openPage();
  const cases = [
    ['porcupine/jepsen/etcd_000.log', 'Not linearizable', /Jepsen log \(etcd_000\.log\), register model: 85 operations/],
    ['porcupine/jepsen/etcd_002.log', 'Linearizable', /Jepsen log \(etcd_002\.log\), register model: 77 operations/],
    ['knossos/cas-register/bad/cas-failure.edn', 'Not linearizable', /Jepsen EDN \(cas-failure\.edn\), register model/],
    ['porcupine/kv/c50-ok.txt', 'Linearizable', /Jepsen EDN \(c50-ok\.txt\), kv model: 1712 operations by 50 processes over 10 key\(s\)\. 10 of 10 keys checked/],
    ['porcupine/kv/c10-bad.txt', 'Not linearizable', /Jepsen EDN \(c10-bad\.txt\), kv model/],
  ];
  for (const [file, expected, summary] of cases) {
    await choose(page, file);
    await page.waitForFunction((name) => document.querySelector('[data-testid=history-summary]')?.textContent.includes(`(${name})`), path.basename(file), { timeout: 60000 });
    assert.equal(await verdict(page), expected, file);
    assert.match(await page.getByTestId('history-summary').textContent(), summary, file);
  }
  // A multi-key history that fails: the failing key is shown first, and
  // the key list offers the others.
  const keys = page.getByTestId('history-key');
  assert.ok(await keys.locator('option').count() > 1);
  assert.match(await keys.locator('option:checked').textContent(), /not linearizable/);
  await page.screenshot({ path: path.join(RESULTS, 'history-kv.png'), fullPage: true });
  // Another key: the diagram follows.
  const ok = await keys.locator('option', { hasText: '— linearizable' }).first().getAttribute('value');
  await keys.selectOption(ok);
  assert.match(await keys.locator('option:checked').textContent(), /— linearizable/);
  assert.equal(await page.getByTestId('history-stuck').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad input is named with its line, and the last result stays', async () => {
  const { page, context, problems } = await openPage();
  await page.getByRole('button', { name: 'Try an example' }).click();
  assert.equal(await verdict(page), 'Not linearizable');
  await page.getByTestId('history-text').fill('INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:launch\t1\n');
  await page.getByTestId('history-check').click();
  const error = await page.getByTestId('history-error').textContent();
  assert.match(error, /line 2/);
  assert.equal(await verdict(page), 'Not linearizable', 'the earlier verdict stays');
  // An empty box says so.
  await page.getByTestId('history-text').fill('');
  await page.getByTestId('history-check').click();
  assert.match(await page.getByTestId('history-error').textContent(), /empty/);
  assert.deepEqual(problems, []);
  await context.close();
});

/** A register history of `n` operations by 10 processes, linearizable by
 *  construction: each round a few processes call, then answer in call
 *  order, and the answers follow a sequential register. */
function bigHistory(n) {
  let seed = 7;
  const rand = (k) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
  const lines = [];
  let value = null;
  let done = 0;
  while (done < n) {
    const procs = [...new Set(Array.from({ length: 1 + rand(3) }, () => rand(10)))];
    const calls = procs.map((p) => {
      const f = ['read', 'write', 'cas'][rand(3)];
      const a = rand(5), b = rand(5);
      lines.push(`INFO  jepsen.util - ${p}\t:invoke\t:${f}\t${f === 'read' ? 'nil' : f === 'write' ? a : `[${a} ${b}]`}`);
      return { p, f, a, b };
    });
    for (const { p, f, a, b } of calls) {
      if (f === 'read') lines.push(`INFO  jepsen.util - ${p}\t:ok\t:read\t${value ?? 'nil'}`);
      else if (f === 'write') { value = a; lines.push(`INFO  jepsen.util - ${p}\t:ok\t:write\t${a}`); }
      else if (value === a) { value = b; lines.push(`INFO  jepsen.util - ${p}\t:ok\t:cas\t[${a} ${b}]`); }
      else lines.push(`INFO  jepsen.util - ${p}\t:fail\t:cas\t[${a} ${b}]`);
      done++;
    }
  }
  return lines.join('\n') + '\n';
}

/** Twenty writes that never answer, then a read of a value none wrote:
 *  not linearizable, but only after trying every subset of the writes. */
function hardHistory(writes = 20) {
  const lines = [];
  for (let p = 0; p < writes; p++) lines.push(`INFO  jepsen.util - ${p}\t:invoke\t:write\t${p}`);
  for (let r = 0; r < 3; r++) {
    lines.push(`INFO  jepsen.util - ${writes + r}\t:invoke\t:read\tnil`);
    lines.push(`INFO  jepsen.util - ${writes + r}\t:ok\t:read\t${r % 2 ? 1 : 0}`);
  }
  lines.push(`INFO  jepsen.util - ${writes + 5}\t:invoke\t:read\tnil`);
  lines.push(`INFO  jepsen.util - ${writes + 5}\t:ok\t:read\t999`);
  for (let p = 0; p < writes; p++) lines.push(`INFO  jepsen.util - ${p}\t:info\t:write\t${p}`);
  return lines.join('\n') + '\n';
}

test('100 000 operations are checked, and the page keeps answering', async () => {
  const { page, context, problems } = await openPage();
  const text = bigHistory(100000);
  await page.getByTestId('history-file').setInputFiles({ name: 'big.log', mimeType: 'text/plain', buffer: Buffer.from(text) });
  assert.equal(await verdict(page), 'Linearizable');
  assert.match(await page.getByTestId('history-summary').textContent(), /register model: 100000 operations by 10 processes/);
  // Too long for the text box: it says what is loaded instead.
  assert.match(await page.getByTestId('history-text').getAttribute('placeholder'), /^big\.log: 200000 lines/);
  assert.equal(await page.getByTestId('history-text').inputValue(), '');
  // The diagram shows a window of it, and can move through it.
  const range = page.getByTestId('history-window');
  const first = await range.textContent();
  assert.match(first, /^Events 1–60 of 200000/);
  await page.getByRole('button', { name: 'Later ▶' }).click();
  assert.match(await range.textContent(), /^Events 31–90 of 200000/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a long search shows its progress and can be stopped', async () => {
  const { page, context, problems } = await openPage();
  await page.getByTestId('history-text').fill(hardHistory(22));
  await page.getByTestId('history-check').click();
  const v = page.getByTestId('history-verdict');
  await v.waitFor();
  assert.equal((await v.textContent()).trim(), 'Checking…');
  // Frames keep coming while it searches, and Stop is heard.
  const frames = await page.evaluate(() => new Promise((resolve) => {
    let n = 0;
    const t0 = performance.now();
    const tick = () => { n++; if (performance.now() - t0 < 500) requestAnimationFrame(tick); else resolve(n); };
    requestAnimationFrame(tick);
  }));
  assert.ok(frames > 5, `frames in half a second while checking: ${frames}`);
  await page.getByTestId('history-stop').click();
  assert.equal((await v.textContent()).trim(), 'Stopped: undecided');
  assert.match(await page.getByTestId('history-summary').textContent(), /0 of 1 keys checked, [1-9]\d* search steps/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a trace exported from the simulator opens on the card of the same page', async () => {
  const { page, context, problems } = await openPage('#preset=leaderless-quorum-not-linearizable');
  await page.getByRole('link', { name: 'Check a history' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  await page.getByTestId('history-file').setInputFiles(await download.path());
  assert.equal(await verdict(page), 'Not linearizable');
  assert.match(await page.getByTestId('history-summary').textContent(), /^ReplicaScope JSON \(.*\), register model: 5 operations by 3 processes over 1 key\(s\)/);
  assert.match(await page.getByTestId('history-invalid').textContent(), /^Key x: not linearizable/);
  assert.match((await page.getByTestId('history-stuck').allTextContents())[0], /read → 1$/);
  // Simulated time on the axis.
  assert.match(await page.getByTestId('history-window').textContent(), /\d ms to [\d.]+ ms\)$/);
  assert.deepEqual(problems, []);
  await context.close();
});
