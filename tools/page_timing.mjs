// Page load timing in headless Chromium over the DevTools protocol (used by tools/bench_console.py).
//   node --experimental-websocket tools/page_timing.mjs URL [REPEATS]
// Prints one JSON line per load: navigation timing (ms since navigation start) of a fresh tab.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, repeats = '5'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'gridactors-timing-'));
const chrome = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-extensions', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
const wsUrl = await new Promise((resolve, reject) => {
  let err = '';
  chrome.stderr.on('data', d => { err += d; const m = /DevTools listening on (\S+)/.exec(err); if (m) resolve(m[1]); });
  chrome.on('exit', () => reject(new Error('chromium exited: ' + err)));
});
const ws = new WebSocket(wsUrl);
await new Promise(r => ws.addEventListener('open', r));
let id = 0;
const pending = new Map(), listeners = [];
ws.addEventListener('message', e => {
  const m = JSON.parse(e.data);
  if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); } else listeners.forEach(l => l(m));
});
const send = (method, params = {}, sessionId) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params, sessionId })); });
for (let k = 0; k < Number(repeats); k++) {
  const { result: { targetId } } = await send('Target.createTarget', { url: 'about:blank' });
  const { result: { sessionId } } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Page.enable', {}, sessionId);
  const loaded = new Promise(r => listeners.push(m => { if (m.sessionId === sessionId && m.method === 'Page.loadEventFired') r(); }));
  await send('Page.navigate', { url }, sessionId);
  await loaded;
  const expr = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => { const n = performance.getEntriesByType('navigation')[0];
    r(JSON.stringify({ responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd, painted: performance.now(),
      bytes: n.transferSize, rows: document.querySelectorAll('tbody tr').length })); })))`;
  const v = await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true }, sessionId);
  console.log(v.result.result.value);
  await send('Target.closeTarget', { targetId });
}
ws.close();
const exited = new Promise(r => chrome.on('exit', r));
chrome.kill();
await exited;
try { rmSync(profile, { recursive: true, force: true }); } catch { /* chromium's helpers may still be writing */ }
process.exit(0);
