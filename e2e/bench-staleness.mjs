// Browser benchmark of the staleness lab (a figure, not a test): opens the
// served page at ?page=staleness with a link for one curve (n=3, w=1, r=1,
// lnkd-disk, 1,000,000 direct trials), which runs on load, then presses
// "Run again" a few times, and prints the trials per second the page
// reports: wall clock from Run to done, time slicing and redraws included
// (the figure), and the rate inside the slices alone. The first run also
// pays for V8 tiering the wasm up; the load of the machine shows too.
//   BASE_URL=http://127.0.0.1:8080/ node bench-staleness.mjs [repeats]
import { launch, BASE_URL } from './lib/browser.js';

const lab = {
  v: 1, model: 'lnkd-disk', wan_ms: 0, curves: [[3, 1, 1]], trials: 1000000,
  seed: 0, method: 'direct', t_max_ms: 100, log_x: false, y: 'zoom',
};
const repeats = Number(process.argv[2] ?? 3);
const link = Buffer.from(JSON.stringify(lab)).toString('base64url');

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
await page.goto(new URL(`?page=staleness#lab=${link}`, BASE_URL).href);
const throughput = page.getByTestId('staleness-throughput');
const refused = page.getByTestId('staleness-notice');
if (await refused.isVisible().catch(() => false)) throw new Error(await refused.textContent());

async function measured() {
  await throughput.waitFor({ timeout: 120000 });
  const text = await throughput.textContent();
  const m = text.match(/([\d,]+) trials in ([\d.]+) s — ([\d,]+) trials\/s.*\(([\d,]+) trials\/s while computing/);
  if (!m) throw new Error(`unexpected throughput text: ${text}`);
  const num = (s) => Number(s.replaceAll(',', ''));
  return { trials: num(m[1]), seconds: Number(m[2]), trials_per_s: num(m[3]), computing_trials_per_s: num(m[4]) };
}

const runs = [await measured()];
for (let i = 1; i < repeats; i++) {
  await page.getByTestId('staleness-run').click();
  await page.getByTestId('staleness-status').waitFor({ timeout: 5000 }).catch(() => {});
  runs.push(await measured());
}
await browser.close();
const rates = runs.map((r) => r.trials_per_s);
console.log(JSON.stringify({
  curve: 'n=3 w=1 r=1', latency: 'lnkd-disk', method: 'direct', trials: lab.trials,
  load_average: (await import('node:os')).loadavg().map((l) => +l.toFixed(2)),
  runs, first_trials_per_s: rates[0], best_trials_per_s: Math.max(...rates),
  median_trials_per_s: [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)],
  under_one_second: runs.some((r) => r.seconds < 1),
}, null, 1));
