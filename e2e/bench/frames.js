// Frame-time measurement (a figure, not a test): plays a run with 9 nodes
// and about 500 messages in flight in headless Chromium and reports the
// p50 / p95 / p99 time between animation frames.
//   BASE_URL=http://127.0.0.1:8080/ node bench/frames.js
import { launch, BASE_URL } from '../lib/browser.js';

const scenario = {
  format: 1,
  seed: 3,
  protocol: { kind: 'chatter', nodes: 9, fanout: 56 },
  network: { latency: { kind: 'uniform', min_ms: 20, max_ms: 60 }, delivery: 'reorder' },
  until_ms: 3000,
};
const link = Buffer.from(JSON.stringify({ v: 1, scenario, t_us: 500000 })).toString('base64url');

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(new URL(`#run=${link}`, BASE_URL).href);
await page.locator('.site-header h1').waitFor();
const inFlight = await page.evaluate(() => {
  const canvas = document.querySelector('[data-testid=dot-canvas]');
  return canvas ? Number(canvas.dataset.dots) : document.querySelectorAll('[data-testid=dots] .dot').length;
});
await page.getByRole('button', { name: 'Play' }).click();
const frames = await page.evaluate(() => new Promise((resolve) => {
  const times = [];
  let last = performance.now();
  const end = last + 4000;
  function tick(now) {
    times.push(now - last);
    last = now;
    if (now < end) requestAnimationFrame(tick); else resolve(times);
  }
  requestAnimationFrame(tick);
}));
// The same measurement on an empty page: what this browser gives at best.
const blank = await browser.newPage();
const floor = await blank.evaluate(() => new Promise((resolve) => {
  const times = [];
  let last = performance.now();
  const end = last + 2000;
  function tick(now) { times.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(times); }
  requestAnimationFrame(tick);
}));
await browser.close();
floor.sort((a, b) => a - b);
frames.sort((a, b) => a - b);
const pct = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))].toFixed(1);
console.log(JSON.stringify({
  nodes: 9, messages_in_flight_at_start: inFlight, frames: frames.length,
  p50_ms: +pct(0.5), p95_ms: +pct(0.95), p99_ms: +pct(0.99),
  empty_page_p95_ms: +floor[Math.floor(0.95 * floor.length)].toFixed(1),
}));
