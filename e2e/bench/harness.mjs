// The browser benchmark: figures, not tests. Run by `scripts/bench`, which
// builds the release app and CLI and serves dist/ on loopback; this drives
// headless Chromium and the native CLI over the same scenarios and prints
// one table (also saved as JSON).
//
//   BASE_URL=http://127.0.0.1:8080/ NATIVE=target/release/replicascope node bench/harness.mjs [out.json]
//
// Every figure is the median of several tries; machines are noisy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { launch, BASE_URL, RESULTS } from '../lib/browser.js';

const NATIVE = process.env.NATIVE ?? 'target/release/replicascope';
const DIST = process.env.DIST ?? path.join(process.cwd(), '..', 'dist');
const OUT = process.argv[2] ?? path.join(RESULTS, 'bench.json');
const TRIES = Number(process.env.TRIES ?? 5);

const chatter = (nodes, fanout, untilMs, latency = { kind: 'uniform', min_ms: 20, max_ms: 60 }) => ({
  format: 1, seed: 3, protocol: { kind: 'chatter', nodes, fanout },
  network: { latency, delivery: 'reorder' }, until_ms: untilMs,
});
const SCENARIOS = {
  // The engine: 50 nodes exchanging messages, ~285 000 events per run.
  engine: { format: 1, seed: 1, protocol: { kind: 'chatter', nodes: 50, fanout: 20 }, network: { latency: { kind: 'exponential', rate_per_ms: 0.1 }, delivery: 'reorder' }, until_ms: 3000 },
  // 9 nodes, about 500 messages in flight at any moment.
  animate: chatter(9, 56, 3000),
  // A space-time diagram of about 100 000 events.
  diagram: chatter(9, 56, 8000),
  // About a million events.
  million: { format: 1, seed: 1, protocol: { kind: 'chatter', nodes: 50, fanout: 20 }, network: { latency: { kind: 'exponential', rate_per_ms: 0.1 }, delivery: 'reorder' }, until_ms: 10000 },
};

const median = (xs) => { const v = [...xs].sort((a, b) => a - b); const n = v.length; return n === 0 ? NaN : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; };
const pct = (xs, p) => { const v = [...xs].sort((a, b) => a - b); return v[Math.min(v.length - 1, Math.floor(p * v.length))]; };
const link = (scenario, tUs = 0) => `#run=${Buffer.from(JSON.stringify({ v: 1, scenario, t_us: tUs })).toString('base64url')}`;
const round = (x, d = 1) => Number.isFinite(x) ? Number(x.toFixed(d)) : null;

const tmp = mkdtempSync(path.join(tmpdir(), 'rs-bench-'));
function native(name, repeat = TRIES) {
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(SCENARIOS[name]));
  return JSON.parse(execFileSync(NATIVE, ['bench', file, '--repeat', String(repeat), '--json'], { encoding: 'utf8' }));
}

/** rAF intervals for `ms` milliseconds, optionally doing `step()` each frame. */
const frameTimes = (page, ms, stepSource = null) => page.evaluate(([ms, stepSource]) => new Promise((resolve) => {
  const step = stepSource ? new Function('i', stepSource) : null;
  const times = [];
  let last = performance.now();
  const end = last + ms;
  let i = 0;
  function tick(now) {
    times.push(now - last);
    last = now;
    if (step && step(i++) === false) { resolve(times); return; }
    if (now < end) requestAnimationFrame(tick); else resolve(times);
  }
  requestAnimationFrame(tick);
}), [ms, stepSource]);

const browser = await launch();
const results = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString() } };

async function appPage(url = '', viewport = { width: 1400, height: 1000 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(new URL(url, BASE_URL).href);
  await page.locator('.site-header h1').waitFor({ timeout: 120000 });
  await page.waitForFunction(() => window.wasmBindings?.bench_run, null, { timeout: 60000 });
  return { page, context };
}

// 1. Events per second: the same recorded run, WebAssembly vs native.
// This VM's speed swings by up to 1.7× between phases lasting minutes, so
// native and wasm are measured in alternating rounds; the ratio is the
// median of the rounds' ratios (each round's two halves run side by side).
{
  const ROUNDS = Number(process.env.ENGINE_ROUNDS ?? 4);
  const { page, context } = await appPage();
  const rounds = [];
  let nat;
  for (let i = 0; i < ROUNDS; i++) {
    nat = native('engine', TRIES);
    const wasm = JSON.parse(await page.evaluate(([s, n]) => window.wasmBindings.bench_run(s, n), [JSON.stringify(SCENARIOS.engine), TRIES]));
    if (wasm.error) throw new Error(wasm.error);
    if (wasm.trace_hash !== nat.trace_hash) throw new Error(`wasm and native traces differ: ${wasm.trace_hash} vs ${nat.trace_hash}`);
    const wasmRate = wasm.events / (median(wasm.run_ms) / 1000);
    rounds.push({ native_events_per_s: Math.round(nat.events_per_s), wasm_events_per_s: Math.round(wasmRate), ratio: round(wasmRate / nat.events_per_s, 2) });
  }
  await context.close();
  results.engine = {
    events: nat.events, trace_hash: nat.trace_hash,
    native_events_per_s: median(rounds.map((r) => r.native_events_per_s)),
    wasm_events_per_s: median(rounds.map((r) => r.wasm_events_per_s)),
    ratio: median(rounds.map((r) => r.ratio)),
    rounds,
  };
}

// 2. Frame times while animating 9 nodes with ~500 messages in flight.
{
  const { page, context } = await appPage(link(SCENARIOS.animate, 500000));
  const inFlight = await page.evaluate(() => Number(document.querySelector('[data-testid=dot-canvas]')?.dataset.dots ?? document.querySelectorAll('[data-testid=dots] .dot').length));
  await page.getByRole('button', { name: 'Play' }).click();
  const times = await frameTimes(page, 5000);
  await context.close();
  results.animate = { nodes: 9, in_flight: inFlight, frames: times.length, p50_ms: round(pct(times, 0.5)), p95_ms: round(pct(times, 0.95)), p99_ms: round(pct(times, 0.99)) };
}

// 3. Frame times moving through a ~100 000-event space-time diagram end to
// end. A run this busy is painted on a canvas around the cursor, so "end to
// end" is the cursor swept from the start to the end, one step per frame.
{
  const nat = native('diagram', 1);
  const { page, context } = await appPage(link(SCENARIOS.diagram));
  await page.locator('[data-testid=spacetime-canvas], [data-testid=spacetime]').first().waitFor();
  const canvas = await page.locator('[data-testid=spacetime-canvas]').count() > 0;
  const steps = 600;
  const times = await frameTimes(page, 60000, `
    const el = document.querySelector('input[aria-label="Time"]');
    if (i > ${steps}) return false;
    el.value = String(Math.floor(Number(el.max) * i / ${steps}));
    el.dispatchEvent(new Event('input', { bubbles: true }));`);
  await context.close();
  results.diagram = { events: nat.events, painted_on: canvas ? 'canvas' : 'svg', frames: times.length, p50_ms: round(pct(times, 0.5)), p95_ms: round(pct(times, 0.95)), p99_ms: round(pct(times, 0.99)) };
}

// 4. A million-event run: loading it, seeking in it, and its memory.
{
  const nat = native('million', 1);
  const t0 = Date.now();
  const { page, context } = await appPage(link(SCENARIOS.million));
  const loadMs = Date.now() - t0;
  const until = await page.getByLabel('Time', { exact: true }).evaluate((el) => Number(el.max));
  const seeks = await page.evaluate(async (until) => {
    const el = document.querySelector('input[aria-label="Time"]');
    const out = [];
    let x = 0x9e3779b9;
    for (let i = 0; i < 25; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const t = Math.floor((x / 2 ** 32) * until);
      const t0 = performance.now();
      el.value = String(t);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      // The seek is done when the frame after it has been painted.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      out.push(performance.now() - t0);
    }
    return out;
  }, until);
  const pageMemory = await page.evaluate(() => window.wasmBindings.memory_bytes());
  await context.close();
  // The run alone, in a fresh page: how much linear memory it adds.
  const fresh = await appPage();
  const alone = JSON.parse(await fresh.page.evaluate((s) => window.wasmBindings.bench_run(s, 1), JSON.stringify(SCENARIOS.million)));
  await fresh.context.close();
  const grown = alone.memory_bytes - alone.memory_before_bytes;
  results.million = {
    events: nat.events, load_ms: loadMs,
    seek_median_ms: round(median(seeks)), seek_p95_ms: round(pct(seeks, 0.95)), seek_max_ms: round(Math.max(...seeks)),
    wasm_memory_page_bytes: pageMemory, wasm_memory_growth_bytes: grown, bytes_per_event: round(grown / nat.events),
    native_max_rss_bytes: nat.max_rss_bytes, native_bytes_per_event: round(nat.max_rss_bytes / nat.events),
  };
}

// 5. Navigation to first interactive render (the Play button), cold cache.
{
  const times = [];
  for (let i = 0; i < TRIES; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(BASE_URL, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('button[aria-label="Play"]'), null, { polling: 'raf', timeout: 60000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  results.first_render = { tries: times.length, median_ms: round(median(times)), max_ms: round(Math.max(...times)) };
}

// 6. Transfer size.
{
  const files = readdirSync(DIST).filter((f) => /\.(wasm|js|css)$/.test(f));
  const sizes = Object.fromEntries(files.map((f) => [f, { bytes: statSync(path.join(DIST, f)).size, gzip: gzipSync(readFileSync(path.join(DIST, f)), { level: 9 }).length }]));
  results.transfer = { files: sizes, gzip_total: Object.values(sizes).reduce((a, s) => a + s.gzip, 0) };
}
// 2. The linearizability checker: real histories (Porcupine's etcd
// register logs and its 50-process key-value history), the same file
// natively (`replicascope check --repeat`) and in WebAssembly
// (`bench_check`), in alternating rounds as above. Time = reading +
// searching: natively the median of TRIES repeats per round, in the page
// the median of ten batch means over ~0.1 s of repeats (the page's clock,
// 0.1 ms, is too coarse to time one repeat of a small history).
{
  const FIX = path.join(DIST, '..', 'core', 'tests', 'fixtures', 'linearizability');
  const HISTORIES = ['porcupine/jepsen/etcd_000.log', 'porcupine/jepsen/etcd_001.log', 'porcupine/jepsen/etcd_002.log',
    'porcupine/jepsen/etcd_003.log', 'porcupine/jepsen/etcd_005.log', 'porcupine/jepsen/etcd_007.log',
    'porcupine/jepsen/etcd_018.log', 'porcupine/kv/c50-ok.txt', 'porcupine/kv/c50-bad.txt'];
  const ROUNDS = Number(process.env.CHECK_ROUNDS ?? 3);
  // `check` exits 2 for "not linearizable": a verdict, not a failure.
  const checkNative = (file) => {
    try {
      return execFileSync(NATIVE, ['check', file, '--repeat', String(TRIES), '--json'], { encoding: 'utf8' });
    } catch (e) {
      if (e.status === 2 && e.stdout) return e.stdout;
      throw e;
    }
  };
  const { page, context } = await appPage();
  results.checker = {};
  for (const h of HISTORIES) {
    const file = path.join(FIX, h);
    const text = readFileSync(file, 'utf8');
    const rounds = [];
    let nat;
    for (let i = 0; i < ROUNDS; i++) {
      nat = JSON.parse(checkNative(file));
      // Enough repeats for ~0.1 s of work: the page's clock is coarse.
      const tries = Math.min(200, Math.max(TRIES, Math.ceil(100 / Math.max(nat.elapsed_ms, 0.01))));
      const wasm = JSON.parse(await page.evaluate(([t, n]) => window.wasmBindings.bench_check(t, n), [text, tries]));
      if (wasm.error) throw new Error(wasm.error);
      if (wasm.steps !== nat.steps || wasm.valid !== nat.valid) throw new Error(`${h}: wasm and native disagree`);
      // The median of batch means (see `bench_check`).
      const wasmMs = median(wasm.batch_ms);
      rounds.push({ native_ms: round(nat.elapsed_ms, 2), wasm_ms: round(wasmMs, 2), ratio: round(wasmMs / nat.elapsed_ms, 2) });
    }
    results.checker[h] = {
      ops: nat.ops, steps: nat.steps, valid: nat.valid,
      native_ms: median(rounds.map((r) => r.native_ms)), wasm_ms: median(rounds.map((r) => r.wasm_ms)),
      ratio: median(rounds.map((r) => r.ratio)), rounds,
    };
  }
  await context.close();
}
await browser.close();

const GOALS = {
  ratio: '≥ 0.7', native: '≥ 5 M/s', frame: 'p95 ≤ 16.7 ms', seek: '≤ 50 ms', mem: '≤ 64 B/event', size: '≤ 300 KB',
};
const e = results.engine, a = results.animate, d = results.diagram, m = results.million;
const rows = [
  ['simulated events/s, native', `${(e.native_events_per_s / 1e6).toFixed(2)} M/s (${e.events} events)`, GOALS.native],
  ['simulated events/s, wasm in Chromium', `${(e.wasm_events_per_s / 1e6).toFixed(2)} M/s`, ''],
  ['wasm / native', `${e.ratio} (rounds: ${e.rounds.map((r) => r.ratio).join(', ')})`, GOALS.ratio],
  [`frames, 9 nodes, ${a.in_flight} messages in flight`, `p50 ${a.p50_ms} / p95 ${a.p95_ms} / p99 ${a.p99_ms} ms`, GOALS.frame],
  [`frames, scrolling a ${d.events}-event diagram`, `p50 ${d.p50_ms} / p95 ${d.p95_ms} / p99 ${d.p99_ms} ms`, GOALS.frame],
  [`seek in a ${m.events}-event run`, `median ${m.seek_median_ms} / p95 ${m.seek_p95_ms} ms (load ${m.load_ms} ms)`, GOALS.seek],
  ['memory of that run (wasm growth)', `${(m.wasm_memory_growth_bytes / 1e6).toFixed(0)} MB = ${m.bytes_per_event} B/event (native RSS ${m.native_bytes_per_event} B/event)`, GOALS.mem],
  ['navigation → first interactive render', `median ${results.first_render.median_ms} ms`, ''],
  ...Object.entries(results.checker).map(([h, c]) => [`check ${path.basename(h)} (${c.ops} ops, ${c.steps} steps)`,
    `native ${c.native_ms} ms (${Math.round(c.ops / (c.native_ms / 1000))} ops/s) / wasm ${c.wasm_ms} ms = ${c.ratio}×`,
    h.includes('c50') ? '≤ 50 ms native, wasm ≤ 2×' : '≤ 5 ms native, wasm ≤ 2×']),
  ['transfer size (gzip wasm + js + css)', `${(results.transfer.gzip_total / 1000).toFixed(1)} KB`, GOALS.size],
];
const w0 = Math.max(...rows.map((r) => r[0].length)), w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`${'figure'.padEnd(w0)} | ${'measured'.padEnd(w1)} | goal`);
console.log(`${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|------`);
for (const [k, v, g] of rows) console.log(`${k.padEnd(w0)} | ${v.padEnd(w1)} | ${g}`);
writeFileSync(OUT, JSON.stringify(results, null, 2));
console.log(`\nsaved ${OUT}`);
