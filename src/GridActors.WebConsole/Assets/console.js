// GridActors console: the only script of the console's pages. It talks to /api/… on this origin and nothing else:
// fetch for actions, EventSource (server-sent events) for live updates.
'use strict';
(() => {
  const page = document.body.dataset.page;
  const runId = document.body.dataset.run;
  const $ = (sel, root = document) => root.querySelector(sel);
  const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const num = (v, d = 2) => (v === null || v === undefined || !isFinite(v)) ? '—' : Number(v).toLocaleString('en-US', { maximumFractionDigits: d });
  const hours = s => num(s / 3600);
  const enc = encodeURIComponent;

  async function api(method, url, body) {
    const r = await fetch(url, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { ok: r.ok, status: r.status, data, text };
  }

  function runsPage() {
    const table = $('table[data-table="runs"]');
    const q = new URLSearchParams();
    if (table.dataset.scenario) q.set('scenario', table.dataset.scenario);
    if (table.dataset.status) q.set('status', table.dataset.status);
    const es = new EventSource('/api/runs/stream?' + q);
    es.addEventListener('runs', e => {
      const tbody = $('tbody', table);
      for (const { row: r, html } of JSON.parse(e.data)) {
        const tr = $(`tr[data-run="${CSS.escape(r.runId)}"]`, tbody);
        const checked = tr ? $('input', tr).checked : false;
        const tpl = document.createElement('template');
        tpl.innerHTML = html; // rendered by the server, as the page's own rows
        const row = tpl.content.firstElementChild;
        $('input', row).checked = checked;
        if (tr) tr.replaceWith(row); else tbody.prepend(row);
      }
      $('#count').textContent = tbody.rows.length;
    });
    $('#compare').addEventListener('click', () => {
      const picked = [...document.querySelectorAll('input[name="pick"]:checked')].map(i => i.value);
      if (picked.length !== 2) { alert('Tick exactly two runs to compare.'); return; }
      location.href = `/compare?a=${enc(picked[0])}&b=${enc(picked[1])}`;
    });
  }

  function launchBody(form) {
    const f = new FormData(form);
    const body = { scenario: f.get('scenario'), executor: f.get('executor') };
    if (f.get('seed')) body.seed = Number(f.get('seed'));
    if (f.get('until')) body.until = f.get('until');
    if (f.get('nodes')) body.nodes = Number(f.get('nodes'));
    if (f.get('checkpointEvery')) body.checkpointEvery = f.get('checkpointEvery');
    if (f.get('pace')) body.pace = Number(f.get('pace'));
    return body;
  }

  function showLaunch(r, okText) {
    const errors = $('#launch-errors');
    errors.innerHTML = '';
    $('#launch-result').textContent = r.ok ? okText(r.data) : (r.data && r.data.error) || r.text;
    for (const e of (r.data && r.data.errors) || []) {
      const li = document.createElement('li');
      li.textContent = `${e.file}:${e.line}:${e.column}: ${e.message}`;
      errors.append(li);
    }
  }

  function launchPage() {
    const form = $('#launch');
    $('#validate').addEventListener('click', async () => {
      const r = await api('POST', '/api/scenarios/validate', { scenario: new FormData(form).get('scenario') });
      showLaunch(r, d => `${d.scenario}: valid — ${d.counts}; horizon ${num(d.horizonHours)} h, seed ${d.seed}`);
    });
    form.addEventListener('submit', async e => {
      e.preventDefault();
      $('#start').disabled = true;
      $('#launch-result').textContent = 'starting…';
      const r = await api('POST', '/api/runs', launchBody(form));
      $('#start').disabled = false;
      showLaunch(r, d => `started ${d.runId}`);
      if (r.ok) {
        $('#launch-result').innerHTML = `started <a href="/runs/${enc(r.data.runId)}">${esc(r.data.runId)}</a>`;
        if (form.elements.open.checked) location.href = `/runs/${enc(r.data.runId)}`;
      }
    });
  }

  function runPage() {
    const base = `/api/runs/${enc(runId)}`;
    let last = null;
    const set = (k, v) => { const el = $(`[data-live="${k}"]`); if (el) el.textContent = v; };
    async function loadMap() {
      const r = await fetch(`${base}/map.svg`);
      $('#map').innerHTML = await r.text();
    }
    async function loadCharts() {
      const r = await fetch(`${base}/charts`);
      $('#charts').innerHTML = await r.text();
    }
    function render(live) {
      const r = live.run;
      set('status', r.status);
      set('simHours', hours(r.simulatedSeconds));
      set('percent', num(r.percent, 1));
      set('nodes', r.nodes);
      set('eps', live.eventsPerSecond == null ? '—' : num(live.eventsPerSecond, 0));
      set('events', live.events == null ? '—' : num(live.events, 0));
      set('simRate', live.simSecondsPerSecond == null ? '—' : num(live.simSecondsPerSecond, 0));
      set('checkpoint', r.lastCheckpoint === 0 ? '—' : `#${r.lastCheckpoint} at ${hours(r.lastCheckpointSeconds)} h`);
      set('digest', r.digest || '—');
      $('#progress').value = r.percent;
      $('#injections').innerHTML = live.injections.map(i =>
        `<tr data-injection="${i.index}"><td>${i.index}</td><td>${esc(i.kind)}</td><td>${esc(i.target)}</td><td class="num">${hours(i.atSeconds)}</td>` +
        `<td class="num">${i.durationSeconds > 0 ? hours(i.durationSeconds) : 'to the end'}</td><td class="num">${i.fraction}</td><td class="num">${i.multiplier}</td></tr>`).join('');
      $('#log').textContent = live.log.join('\n') || (live.launchedHere ? '' : 'This run was not launched from this console: its process log is on its own terminal.');
      $('#placement').innerHTML = (live.placement || []).map(p =>
        `<tr><td class="num">${esc(p.node)}</td><td class="mono">${esc(p.address)}</td><td>${esc(p.host)}</td><td class="num">${esc(p.pid)}</td><td class="num">${esc(p.entities)}</td></tr>`).join('');
      $('#failovers').innerHTML = (live.failovers || []).map(f => `<li>${esc(JSON.stringify(f))}</li>`).join('');
      if (live.hasReport) $('#report-link').innerHTML = `<a href="/runs/${enc(runId)}/report">report</a>`;
      if (!last || last.faultsBegun !== live.faultsBegun || last.injections.length !== live.injections.length) loadMap();
      if (!last || last.run.lastCheckpoint !== r.lastCheckpoint || last.run.status !== r.status || last.hasReport !== live.hasReport) loadCharts();
      last = live;
    }
    const es = new EventSource(`${base}/stream`);
    es.addEventListener('live', e => render(JSON.parse(e.data)));

    const form = $('#inject');
    const kind = $('select[name="kind"]', form), target = $('select[name="target"]', form);
    let kinds = [];
    const fillTargets = () => {
      const k = kinds.find(x => x.kind === kind.value);
      target.innerHTML = (k ? k.targets : []).map(t => `<option>${esc(t)}</option>`).join('');
    };
    api('GET', `${base}/targets`).then(r => {
      kinds = r.data;
      kind.innerHTML = kinds.map(k => `<option value="${esc(k.kind)}" title="${esc(k.help)}">${esc(k.kind)}</option>`).join('');
      fillTargets();
    });
    kind.addEventListener('change', fillTargets);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const f = new FormData(form);
      const body = { kind: f.get('kind'), target: f.get('target'), at: f.get('at') || null, duration: f.get('duration') || null,
        fraction: Number(f.get('fraction') || 1), multiplier: Number(f.get('multiplier') || 1) };
      $('#inject-result').textContent = 'waiting for the run to take it at a window boundary…';
      $('#inject-error').textContent = '';
      const r = await api('POST', `${base}/injections`, body);
      if (r.ok) $('#inject-result').textContent = `injected #${r.data.index}: ${r.data.kind} on ${r.data.target} at ${hours(r.data.atSeconds)} h (safe horizon was ${hours(r.data.safeHorizonSeconds)} h)`;
      else { $('#inject-result').textContent = ''; $('#inject-error').textContent = 'refused: ' + ((r.data && r.data.error) || r.text); }
    });
    $('#replay').addEventListener('click', async () => {
      const r = await api('POST', `${base}/replay`);
      if (!r.ok) { $('#replay-result').textContent = 'replay refused: ' + ((r.data && r.data.error) || r.text); return; }
      $('#replay-result').textContent = 'replaying…';
      const poll = async () => {
        const s = await api('GET', `${base}/replay`);
        if (s.data.state === 'running') { setTimeout(poll, 1000); return; }
        $('#replay-result').textContent = s.data.state === 'matches' ? `replay reproduced the digest ${s.data.result.digest}`
          : `replay ${s.data.state}: ${s.data.result ? s.data.result.digest : s.data.stderr.join(' ')}`;
      };
      setTimeout(poll, 1000);
    });
  }

  function inspectPage() {
    const base = `/api/runs/${enc(runId)}`;
    const form = $('#entity');
    const kind = $('select[name="kind"]', form), name = $('select[name="name"]', form), slider = $('input[name="slider"]', form), events = $('input[name="events"]', form);
    let kinds = [], times = [];
    api('GET', `${base}/overview`).then(r => {
      if (!r.ok) { $('#entity-error').textContent = r.data.error; return; }
      $('#overview').innerHTML = r.data.kinds.map(k => `<tr><td>${esc(k.kind)}</td><td class="num">${k.entities}</td><td class="num">${k.records}</td><td class="num">${k.snapshots}</td>` +
        `<td>${esc(Object.entries(k.recordKinds).map(([a, b]) => `${a} ${b}`).join(', '))}</td></tr>`).join('');
      $('#checkpoints').textContent = `${r.data.checkpoints.length} complete checkpoints` + (r.data.checkpoints.length ? ` (last #${r.data.checkpoints.at(-1).k} at ${num(r.data.checkpoints.at(-1).hours, 3)} h)` : '');
    });
    const fillNames = () => {
      const k = kinds.find(x => x.kind === kind.value);
      name.innerHTML = (k ? k.entities : []).map(n => `<option>${esc(n)}</option>`).join('');
    };
    async function loadTimes() {
      const r = await api('GET', `${base}/entities/${enc(kind.value)}/${enc(name.value)}/times`);
      if (!r.ok) { $('#entity-error').textContent = r.data.error; return; }
      const first = r.data.checkpoints.length ? r.data.checkpoints[0].t : Infinity;
      times = [...new Set([...r.data.checkpoints.map(c => c.t), ...r.data.changes.filter(t => t >= first)])].sort((a, b) => a - b);
      slider.max = Math.max(0, times.length - 1);
      slider.value = slider.max;
      await loadState();
    }
    async function loadState() {
      $('#entity-error').textContent = '';
      if (times.length === 0) { $('#entity-error').textContent = 'no checkpoint of this entity yet'; return; }
      const t = times[Number(slider.value)];
      $('#at-label').textContent = `${num(t / 3.6e9, 4)} h`;
      const r = await api('GET', `${base}/entities/${enc(kind.value)}/${enc(name.value)}?at=${enc(t / 1e6 + 's')}&events=${events.checked}`);
      if (!r.ok) { $('#entity-error').textContent = r.data.error; return; }
      const v = r.data;
      $('#entity-title').textContent = `${v.entity} at ${num(v.atMicros / 3.6e9, 4)} h (checkpoint #${v.checkpoint} at ${num(v.checkpointMicros / 3.6e9, 4)} h)`;
      $('#entity-title').dataset.json = r.text;
      $('#state').innerHTML = Object.entries(v.state).map(([k, x]) => `<tr data-field="${esc(k)}" data-value="${esc(JSON.stringify(x))}"><td>${esc(k)}</td><td>${esc(typeof x === 'object' ? JSON.stringify(x) : x)}</td></tr>`).join('');
      $('#changes').innerHTML = v.changesSinceCheckpoint.map(h => `<li>${num(h.t / 3.6e9, 4)} h: ${esc(h.kind)} ${esc(h.detail)}</li>`).join('');
      $('#history').innerHTML = (v.events || []).map(h => `<tr><td class="num">${h.seq}</td><td class="num">${num(h.t / 3.6e9, 4)}</td><td>${esc(h.kind)}</td><td>${esc(h.detail)}</td></tr>`).join('');
    }
    api('GET', `${base}/entities`).then(r => {
      kinds = r.data;
      kind.innerHTML = kinds.map(k => `<option>${esc(k.kind)}</option>`).join('');
      fillNames();
      loadTimes();
    });
    kind.addEventListener('change', () => { fillNames(); loadTimes(); });
    name.addEventListener('change', loadTimes);
    slider.addEventListener('input', loadState);
    events.addEventListener('change', loadState);
    window.gridactorsInspect = { select: async (k, n) => { kind.value = k; fillNames(); name.value = n; await loadTimes(); }, times: () => times,
      at: async i => { slider.value = i; await loadState(); } };
  }

  ({ runs: runsPage, launch: launchPage, run: runPage, inspect: inspectPage }[page] || (() => {}))();
})();
