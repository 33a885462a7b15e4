// The explorer in Chromium: runs each exploration that teaches through
// the page's "Find a counterexample" card (its Web Worker) and prints the
// states, time and states per second the card reports, for comparing with
// `replicascope explore <id> --json` natively. Median of --repeat runs.
//
//   node e2e/bench/explore.mjs http://127.0.0.1:8080/ [--repeat 3]
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8080/';
const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Number(process.argv[repeatAt + 1]) : 3;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
await page.goto(new URL('#preset=leaderless-w-plus-r-not-above-n', base).href);
await page.getByTestId('explorer').waitFor();
const ids = await page.getByTestId('explore-example').locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
let run = 0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const id of ids) {
  const ms = [], rates = [];
  let states = 0;
  for (let i = 0; i < repeat; i++) {
    await page.getByTestId('explore-example').selectOption('');
    await page.getByTestId('explore-example').selectOption(id);
    // The exploration's scenario is the run on screen before Run is pressed.
    const title = await page.getByTestId('explore-example').locator(`option[value="${id}"]`).textContent();
    await page.waitForFunction((t) => document.body.textContent.includes(`Exploration: ${t.split(': ').slice(1).join(': ')}`), title);
    await page.waitForTimeout(200);
    run += 1;
    await page.getByTestId('explore-run').click();
    await page.waitForSelector(`[data-run="${run}"] [data-testid=explore-result]`, { timeout: 300000 });
    const text = await page.getByTestId('explore-figures').textContent();
    const m = text.match(/(\d+) states in (\d+) ms \((\d+) states\/s\)/);
    states = Number(m[1]); ms.push(Number(m[2])); rates.push(Number(m[3]));
  }
  console.log(`${id}: ${states} states, median ${median(ms)} ms, ${median(rates)} states/s`);
}
await browser.close();

// The two spaces the explorer's speed is quoted for (docs/bench.md), run
// straight through the worker: a leaderless n = 3 register with two
// clients of two operations each, and single-leader async replication
// with one crash allowed. Compare with, natively:
//   replicascope explore e2e/bench/explore-leaderless.json --property stale-read --max-states 200000 --json
//   replicascope explore e2e/bench/explore-single-leader.json --property split-brain --crashes 1 --json
const here = new URL('.', import.meta.url);
const spaces = [
  ['leaderless n=3, 2 clients × 2 ops', 'explore-leaderless.json', 'stale-read', { max_depth: 40, max_states: 200000, crashes: 0, losses: 0, partitions: 0 }],
  ['single-leader async, 1 crash', 'explore-single-leader.json', 'split-brain', { max_depth: 40, max_states: 200000, crashes: 1, losses: 0, partitions: 0 }],
];
const browser2 = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page2 = await browser2.newPage();
await page2.goto(new URL('#preset=leaderless-w-plus-r-not-above-n', base).href);
await page2.getByTestId('explorer').waitFor();
for (const [name, file, property, bounds] of spaces) {
  const scenario = JSON.parse(readFileSync(new URL(file, here), 'utf8'));
  const request = JSON.stringify({ scenario, property, bounds });
  const rates = [];
  let states = 0;
  for (let i = 0; i < repeat; i++) {
    const done = await page2.evaluate((req) => new Promise((resolve) => {
      const w = new Worker('replicascope-explore-worker_loader.js');
      w.onmessage = (e) => { if (e.data.ready) w.postMessage(req); if (e.data.done) { w.terminate(); resolve(e.data.done); } };
    }), request);
    const a = JSON.parse(done);
    states = a.states;
    rates.push(a.states / a.elapsed_ms * 1000);
  }
  console.log(`${name}: ${states} states, median ${Math.round(median(rates))} states/s`);
}
await browser2.close();
