// Main-thread busy time while playing a preset: Chromium's own
// TaskDuration / ScriptDuration (CDP Performance.getMetrics) over 6 s of
// playback, per frame. Usage: node bench/playback-cpu.mjs <app url> <preset>
import { chromium } from 'playwright-core';
const [,, url, preset] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await b.newContext({ viewport: { width: 1400, height: 1000 } });
const p = await ctx.newPage();
await p.goto(`${url}#preset=${preset}`);
await p.waitForTimeout(2000);
const cdp = await ctx.newCDPSession(p);
await cdp.send('Performance.enable');
const m = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(x => [x.name, x.value]));
await p.click('button.play');
const a = await m();
const frames0 = await p.evaluate(() => new Promise(r => { let n = 0; const t0 = performance.now(); const f = () => { n++; if (performance.now() - t0 < 6000) requestAnimationFrame(f); else r(n); }; requestAnimationFrame(f); }));
const z = await m();
const task = (z.TaskDuration - a.TaskDuration) * 1000, script = (z.ScriptDuration - a.ScriptDuration) * 1000, layout = (z.LayoutDuration - a.LayoutDuration) * 1000;
console.log(JSON.stringify({ preset, frames: frames0, task_ms_per_frame: +(task / frames0).toFixed(2), script_ms_per_frame: +(script / frames0).toFixed(2), layout_ms_per_frame: +(layout / frames0).toFixed(2) }));
await b.close();
