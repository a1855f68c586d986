/* global document, CSS */
// The Tribar dashboard: plain browser JavaScript over the HTTP API (no build step). Every value from the server is
// written with textContent, never as HTML.
const $ = (selector) => document.querySelector(selector);
const tokenInput = $('#token');
tokenInput.value = localStorage.getItem('tribar.token') ?? '';
tokenInput.addEventListener('change', () => {
  localStorage.setItem('tribar.token', tokenInput.value);
  void refreshAll();
  // Runs started elsewhere (the CLI, another client) appear without a reload.
  setInterval(() => void refreshRuns().catch(() => {}), 5000);
});

function headers(extra = {}) {
  const token = tokenInput.value.trim();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

function say(text, isError = false) {
  const message = $('#message');
  message.textContent = text;
  message.className = isError ? 'error' : '';
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: headers(init.headers ?? {}) });
  const type = response.headers.get('content-type') ?? '';
  const body = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) {
    const text = typeof body === 'object' ? `${body.message}${body.hint ? ` (${body.hint})` : ''}` : String(body);
    throw new Error(`${response.status}: ${text}`);
  }
  return body;
}

function cell(row, text, attributes = {}) {
  const td = document.createElement('td');
  td.textContent = text;
  for (const [key, value] of Object.entries(attributes)) td.setAttribute(key, value);
  row.append(td);
  return td;
}

const seconds = (ms) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '');
const fixed = (value, digits = 3) => (typeof value === 'number' ? value.toFixed(digits) : '');

// ---- pipeline runs ----------------------------------------------------------------------------------------------
const watching = new Map();
let selectedRun = null;

async function refreshRuns() {
  const { runs } = await api('/runs');
  const body = $('#runs tbody');
  body.replaceChildren();
  for (const run of runs) {
    const row = document.createElement('tr');
    row.dataset.runId = run.runId;
    cell(row, run.runId);
    cell(row, run.status, { 'data-status': run.status, class: 'status' });
    cell(row, `${run.stagesDone}/${run.stagesTotal}`);
    const progress = document.createElement('progress');
    progress.max = Math.max(1, run.stagesTotal);
    progress.value = run.stagesDone;
    row.append(document.createElement('td'));
    row.lastChild.append(progress);
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = 'open';
    open.className = 'open-run';
    open.addEventListener('click', () => void showRun(run.runId));
    row.append(document.createElement('td'));
    row.lastChild.append(open);
    body.append(row);
    if (run.status === 'running' || run.status === 'queued') watch(run.runId);
  }
}

/** Follow a run's server-sent events (read with fetch, so the bearer header goes along) and refresh on each. */
function watch(runId) {
  if (watching.has(runId)) return;
  const controller = new AbortController();
  watching.set(runId, controller);
  const follow = async () => {
    const response = await fetch(`/runs/${encodeURIComponent(runId)}/events`, { headers: headers(), signal: controller.signal });
    if (!response.ok || !response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let last = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (!event || !data) continue;
        if (event === 'stage-progress') showProgress(runId, JSON.parse(data));
        // Refresh at most twice a second while events stream, and always at the end.
        if (event === 'state' || event === 'job-end' || event === 'stage-end' || Date.now() - last > 500) {
          last = Date.now();
          await refreshRuns();
          if (selectedRun === runId) await showRun(runId);
        }
      }
    }
  };
  follow()
    .catch((error) => {
      if (error.name !== 'AbortError') say(`events of ${runId}: ${error.message}`, true);
    })
    .finally(() => {
      watching.delete(runId);
      void refreshRuns().then(() => (selectedRun === runId ? showRun(runId) : undefined));
    });
}

function showProgress(runId, progress) {
  const row = document.querySelector(`#runs tr[data-run-id="${CSS.escape(runId)}"]`);
  const status = row?.querySelector('.status');
  if (status)
    status.textContent = `running: ${progress.stage} ${progress.current}/${progress.total}${progress.unit ? ` ${progress.unit}` : ''}`;
}

async function showRun(runId) {
  selectedRun = runId;
  const run = await api(`/runs/${encodeURIComponent(runId)}`);
  $('#run-section').hidden = false;
  $('#run-id').textContent = run.runId;
  const status = $('#run-status');
  status.textContent = run.status;
  status.dataset.status = run.status;
  const body = $('#stages tbody');
  body.replaceChildren();
  for (const name of run.state?.order ?? []) {
    const stage = run.state.stages[name] ?? { status: 'pending' };
    const row = document.createElement('tr');
    cell(row, name);
    cell(row, stage.reused ? 'completed (reused)' : stage.status, { 'data-status': stage.status });
    cell(row, seconds(stage.durationMs));
    cell(
      row,
      Object.entries(stage.metrics ?? {})
        .slice(0, 4)
        .map(([key, value]) => `${key}=${typeof value === 'number' ? +value.toFixed(4) : value}`)
        .join(', '),
    );
    body.append(row);
  }
  const link = $('#report-link');
  const frame = $('#report-frame');
  link.hidden = !run.report;
  frame.hidden = !run.report;
  if (run.report) {
    const href = `/runs/${encodeURIComponent(runId)}/report`;
    link.href = href;
    // The report needs the token too: load it with fetch and show it in the frame.
    if (frame.dataset.runId !== runId) {
      frame.dataset.runId = runId;
      frame.srcdoc = await api(href);
    }
  }
}

$('#run-cancel').addEventListener(
  'click',
  () =>
    void api(`/runs/${encodeURIComponent(selectedRun)}/cancel`, { method: 'POST' })
      .then((r) => say(`run ${r.runId}: ${r.status}`))
      .catch((e) => say(e.message, true)),
);
$('#run-resume').addEventListener(
  'click',
  () =>
    void api(`/runs/${encodeURIComponent(selectedRun)}/resume`, { method: 'POST' })
      .then((r) => {
        say(`run ${r.runId}: ${r.status}`);
        watch(r.runId);
        return refreshRuns();
      })
      .catch((e) => say(e.message, true)),
);

$('#start-form').addEventListener('submit', (event) => {
  event.preventDefault();
  let config;
  try {
    config = JSON.parse($('#start-config').value || '{}');
  } catch (error) {
    say(`settings are not JSON: ${error.message}`, true);
    return;
  }
  const runId = $('#start-run-id').value.trim();
  void api('/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ config, ...(runId ? { runId } : {}) }),
  })
    .then(async (started) => {
      say(`run ${started.runId} ${started.status}${started.position ? ` (place ${started.position} in the queue)` : ''}`);
      await refreshRuns();
      watch(started.runId);
    })
    .catch((error) => say(error.message, true));
});

// ---- tracked runs --------------------------------------------------------------------------------------------------
async function refreshTracked() {
  const { runs } = await api('/tracked');
  const body = $('#tracked tbody');
  body.replaceChildren();
  for (const run of runs) {
    const row = document.createElement('tr');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = run.runId;
    box.className = 'compare-pick';
    row.append(document.createElement('td'));
    row.lastChild.append(box);
    cell(row, run.runId.slice(0, 8));
    cell(row, run.runName);
    cell(row, run.status);
    cell(row, fixed(run.metrics.test_macro_f1));
    cell(row, fixed(run.metrics.bt_net_usd, 2));
    body.append(row);
  }
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

function drawEquity(equity, names) {
  const svg = $('#equity-chart');
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const series = Object.entries(equity).filter(([, points]) => points.length > 0);
  const all = series.flatMap(([, points]) => points);
  if (all.length === 0) return;
  const [w, h, pad] = [640, 240, 24];
  const maxStep = Math.max(...all.map((p) => p.step), 1);
  const low = Math.min(...all.map((p) => p.value));
  const high = Math.max(...all.map((p) => p.value));
  const y = (v) => h - pad - ((v - low) / (high - low || 1)) * (h - 2 * pad);
  const legend = $('#equity-legend');
  legend.replaceChildren();
  series.forEach(([id, points], index) => {
    const path = document.createElementNS(ns, 'polyline');
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', COLORS[index % COLORS.length]);
    path.setAttribute('data-run', id);
    path.setAttribute(
      'points',
      points.map((p) => `${(pad + (p.step / maxStep) * (w - 2 * pad)).toFixed(1)},${y(p.value).toFixed(1)}`).join(' '),
    );
    svg.append(path);
    const item = document.createElement('span');
    item.style.color = COLORS[index % COLORS.length];
    item.textContent = `■ ${names[id] ?? id} `;
    legend.append(item);
  });
}

$('#compare-button').addEventListener('click', () => {
  const ids = [...document.querySelectorAll('.compare-pick:checked')].map((box) => box.value);
  if (ids.length < 2) {
    say('pick at least two tracked runs to compare', true);
    return;
  }
  void api(`/tracked/compare?ids=${ids.map(encodeURIComponent).join(',')}`)
    .then((result) => {
      $('#compare').hidden = false;
      const head = $('#compare-table thead');
      const body = $('#compare-table tbody');
      const top = document.createElement('tr');
      cell(top, 'metric');
      for (const run of result.runs) cell(top, `${run.runId.slice(0, 8)} ${run.runName}`);
      head.replaceChildren(top);
      body.replaceChildren();
      for (const key of result.metrics) {
        const row = document.createElement('tr');
        cell(row, key);
        for (const run of result.runs) cell(row, fixed(run.metrics[key], 4));
        body.append(row);
      }
      drawEquity(result.equity, Object.fromEntries(result.runs.map((run) => [run.runId, run.runName])));
      say(`compared ${result.runs.length} runs`);
    })
    .catch((error) => say(error.message, true));
});

// ---- tuning studies -----------------------------------------------------------------------------------------------
async function refreshStudies() {
  const { studies } = await api('/studies');
  const body = $('#studies tbody');
  body.replaceChildren();
  for (const study of studies) {
    const row = document.createElement('tr');
    cell(row, study.name);
    cell(row, study.model ?? '');
    cell(row, study.symbol ?? '');
    cell(row, study.horizon === null ? '' : `h${study.horizon}`);
    cell(row, study.sampler ?? '');
    cell(row, `${study.trialsDone}/${study.trialsTotal ?? '?'}`);
    cell(row, study.best ? `#${study.best.number} ${fixed(study.best.value, 4)}` : '');
    cell(row, study.best ? JSON.stringify(study.best.params) : '');
    cell(row, study.damaged ? `${study.status}: ${study.damaged}` : study.status);
    body.append(row);
  }
}

// ---- predict ------------------------------------------------------------------------------------------------------
async function refreshModels() {
  const { models } = await api('/models');
  const select = $('#predict-model');
  select.replaceChildren();
  for (const model of models) {
    const option = document.createElement('option');
    option.value = model.id;
    option.textContent = `${model.id} (test macro F1 ${fixed(model.test.macroF1)})`;
    select.append(option);
  }
}

$('#predict-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const bars = (text) => (text.startsWith('[') ? { json: JSON.parse(text) } : { csv: text });
  const partner = $('#predict-partner-symbol').value.trim();
  let body;
  try {
    body = bars($('#predict-bars').value.trim());
    // The API takes each partner's bars under its symbol (the model's cross-asset features read them).
    if (partner) body.partners = { [partner]: bars($('#predict-partner-bars').value.trim()) };
  } catch (error) {
    say(`bars are not JSON: ${error.message}`, true);
    return;
  }
  void api(`/models/${encodeURIComponent($('#predict-model').value)}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
    .then((result) => {
      const rows = $('#predictions tbody');
      rows.replaceChildren();
      for (const prediction of result.predictions) {
        const row = document.createElement('tr');
        cell(row, new Date(prediction.timestampMs).toISOString().replace('T', ' ').slice(0, 19));
        for (const p of prediction.proba) cell(row, fixed(p));
        cell(row, prediction.betSize === undefined ? '' : String(prediction.betSize));
        rows.append(row);
      }
      say(`${result.rows} predictions from ${result.model}`);
    })
    .catch((error) => say(error.message, true));
});

async function refreshAll() {
  try {
    await Promise.all([refreshRuns(), refreshTracked(), refreshModels(), refreshStudies()]);
  } catch (error) {
    say(error.message, true);
  }
}
void refreshAll();
// Runs started elsewhere (the CLI, another client) appear without a reload.
setInterval(() => void refreshRuns().catch(() => {}), 5000);
