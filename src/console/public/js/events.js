// Event history: filters (one lookup attribute, a time range, read-only events on or off), a
// chart, the newest-first table with paging, the record in a side panel, downloads of every
// matching event, and live updates.
import { h, clear, formatTime } from './dom.js';
import { get } from './api.js';
import { jsonView } from './json-view.js';
import { eventsChart } from './chart.js';
import { toast, errorText, pageHeader, badge } from './ui.js';

const ATTRIBUTES = [
  ['EventName', 'Event name'],
  ['Username', 'User name'],
  ['EventSource', 'Event source'],
  ['ResourceType', 'Resource type'],
  ['ResourceName', 'Resource name'],
  ['ReadOnly', 'Read-only'],
  ['AccessKeyId', 'AWS access key'],
  ['EventId', 'Event ID'],
];
const RANGES = [
  ['15m', 'Last 15 minutes', 15],
  ['1h', 'Last hour', 60],
  ['3h', 'Last 3 hours', 180],
  ['12h', 'Last 12 hours', 720],
  ['1d', 'Last day', 1440],
  ['7d', 'Last 7 days', 10080],
  ['90d', 'Last 90 days', 129600],
  ['custom', 'Custom range…', 0],
];
const LIVE_MS = 4000;

/** Filter state lives in the hash (#/events?key=…), so a view can be bookmarked and shared. */
function readState() {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { key: q.get('key') ?? '', value: q.get('value') ?? '', range: q.get('range') ?? '90d', from: q.get('from') ?? '', to: q.get('to') ?? '', hideReadOnly: q.get('hideReadOnly') === '1' };
}

function writeState(s) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (v && v !== '0') q.set(k, v === true ? '1' : v);
  history.replaceState(null, '', `#/events?${q}`);
}

function apiParams(s, region) {
  const p = { region };
  if (s.key && s.value) Object.assign(p, { key: s.key, value: s.value });
  if (s.hideReadOnly) p.hideReadOnly = '1';
  if (s.range === 'custom') {
    if (s.from) p.start = String(new Date(s.from).getTime());
    if (s.to) p.end = String(new Date(s.to).getTime());
  } else {
    const minutes = RANGES.find((r) => r[0] === s.range)?.[2] ?? 129600;
    const now = Date.now();
    Object.assign(p, { start: String(now - minutes * 60000), end: String(now) });
  }
  return p;
}

export function eventsPage(ctx) {
  ctx.setCrumbs({ label: 'Event history' });
  let s = readState();
  let tokens = [undefined];
  let pageIndex = 0;
  let rows = [];
  let selected = -1;
  let latestSeq;
  let liveTimer;

  const keySelect = h('select', { 'aria-label': 'Lookup attribute', id: 'filter-key' }, h('option', { value: '' }, 'Any attribute'), ATTRIBUTES.map(([k, label]) => h('option', { value: k, selected: k === s.key }, label)));
  const valueInput = h('input', { id: 'filter-value', type: 'search', placeholder: 'Attribute value — press / to search', value: s.value, 'data-shortcut': 'search', 'aria-label': 'Attribute value' });
  const rangeSelect = h('select', { id: 'filter-range', 'aria-label': 'Time range' }, RANGES.map(([k, label]) => h('option', { value: k, selected: k === s.range }, label)));
  const fromInput = h('input', { id: 'filter-from', type: 'datetime-local', step: 1, value: s.from, 'aria-label': 'From' });
  const toInput = h('input', { id: 'filter-to', type: 'datetime-local', step: 1, value: s.to, 'aria-label': 'To' });
  const custom = h('span', { class: 'custom-range', hidden: s.range !== 'custom' }, fromInput, h('span', { class: 'muted' }, '→'), toInput);
  const hideRo = h('input', { type: 'checkbox', id: 'filter-hide-ro', checked: s.hideReadOnly });
  const live = h('input', { type: 'checkbox', id: 'live', checked: true });
  const csvLink = h('a', { class: 'button ghost', id: 'download-csv', download: '' }, 'Download CSV');
  const jsonLink = h('a', { class: 'button ghost', id: 'download-json', download: '' }, 'Download JSON');
  const chartBox = h('div', { class: 'chart-box' });
  const tableBox = h('div', { class: 'table-box' });
  const pager = h('div', { class: 'pager' });
  const newBadge = h('button', { class: 'new-events', hidden: true, type: 'button', onclick: () => apply() });
  const panel = h('aside', { class: 'panel', hidden: true, 'aria-label': 'Event record' });

  rangeSelect.addEventListener('change', () => (custom.hidden = rangeSelect.value !== 'custom'));
  keySelect.addEventListener('change', () => {
    if (keySelect.value === 'ReadOnly' && !valueInput.value) valueInput.value = 'true';
  });
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e) => (e.preventDefault(), apply()) },
    keySelect,
    valueInput,
    rangeSelect,
    custom,
    h('label', { class: 'check', for: 'filter-hide-ro', title: 'Leave read-only events (Get, List, Describe, LookupEvents…) out' }, hideRo, 'Hide read-only'),
    h('button', { class: 'primary', type: 'submit' }, 'Apply'),
  );
  hideRo.addEventListener('change', () => apply());

  ctx.main.append(
    h(
      'div',
      { class: 'events-layout' },
      h(
        'section',
        { class: 'events-main' },
        pageHeader('Event history', `Management events of the last 90 days in ${ctx.region}, newest first.`, h('label', { class: 'check live', for: 'live', title: 'Show new events as they arrive' }, live, h('span', { class: 'pulse' }), 'Live'), csvLink, jsonLink),
        form,
        chartBox,
        newBadge,
        tableBox,
        pager,
      ),
      panel,
    ),
  );

  function apply() {
    s = { key: keySelect.value, value: valueInput.value.trim(), range: rangeSelect.value, from: fromInput.value, to: toInput.value, hideReadOnly: hideRo.checked };
    writeState(s);
    tokens = [undefined];
    pageIndex = 0;
    latestSeq = undefined;
    newBadge.hidden = true;
    load();
  }

  async function load() {
    const params = apiParams(s, ctx.region);
    csvLink.href = `/console/api/events/download?${new URLSearchParams({ ...params, format: 'csv' })}`;
    jsonLink.href = `/console/api/events/download?${new URLSearchParams({ ...params, format: 'json' })}`;
    tableBox.classList.add('busy');
    try {
      const token = tokens[pageIndex];
      const page = await get('/console/api/events', token ? { ...params, token } : params);
      rows = page.events;
      tokens[pageIndex + 1] = page.nextToken;
      renderTable();
      renderPager();
      if (pageIndex === 0) {
        get('/console/api/events/chart', params).then((c) => clear(chartBox).append(eventsChart(c)), () => clear(chartBox));
        startLive(params);
      }
    } catch (err) {
      clear(tableBox).append(h('div', { class: 'empty error' }, errorText(err)));
      clear(pager);
    } finally {
      tableBox.classList.remove('busy');
    }
  }

  function renderTable() {
    selected = Math.min(selected, rows.length - 1);
    if (rows.length === 0) {
      clear(tableBox).append(h('div', { class: 'empty' }, 'No events match these filters.'));
      return;
    }
    const body = h(
      'tbody',
      {},
      rows.map((e, i) =>
        h(
          'tr',
          { tabindex: 0, class: [e.errorCode ? 'failed' : '', e.fresh ? 'fresh' : '', i === selected ? 'selected' : ''].join(' ').trim() || undefined, dataset: { eventId: e.eventId }, onclick: () => open(i), onkeydown: (ev) => ev.key === 'Enter' && open(i) },
          h('td', { class: 'nowrap mono' }, formatTime(e.eventTime)),
          h('td', {}, h('a', { href: `#/events?key=EventName&value=${encodeURIComponent(e.eventName)}`, onclick: (ev) => (ev.preventDefault(), ev.stopPropagation(), filterBy('EventName', e.eventName)) }, e.eventName)),
          h('td', {}, e.username ?? ''),
          h('td', { class: 'muted' }, e.eventSource),
          h('td', {}, e.resources.map((r) => h('div', { class: 'resource', title: `${r.type} ${r.name}` }, h('span', { class: 'muted' }, r.type), ' ', r.name))),
          h('td', {}, e.errorCode ? badge(e.errorCode, 'error') : ''),
        ),
      ),
    );
    clear(tableBox).append(
      h(
        'table',
        { class: 'grid events', id: 'events-table' },
        h('thead', {}, h('tr', {}, ['Event time', 'Event name', 'User name', 'Event source', 'Resources', 'Error code'].map((c) => h('th', {}, c)))),
        body,
      ),
    );
  }

  function renderPager() {
    clear(pager).append(
      h('button', { class: 'ghost', type: 'button', disabled: pageIndex === 0, onclick: () => (pageIndex--, load()) }, '‹ Newer'),
      h('span', { class: 'muted' }, `Page ${pageIndex + 1}`),
      h('button', { class: 'ghost', type: 'button', disabled: !tokens[pageIndex + 1], onclick: () => (pageIndex++, load()) }, 'Older ›'),
    );
  }

  function filterBy(key, value) {
    keySelect.value = key;
    valueInput.value = value;
    apply();
  }

  function open(i) {
    selected = i;
    const e = rows[i];
    for (const tr of tableBox.querySelectorAll('tbody tr')) tr.classList.toggle('selected', Number(tr.rowIndex) - 1 === i);
    tableBox.querySelectorAll('tbody tr')[i]?.focus();
    let record;
    try {
      record = JSON.parse(e.record);
    } catch {
      record = e.record;
    }
    const facts = [
      ['Event time', formatTime(e.eventTime)],
      ['Event name', e.eventName],
      ['User name', e.username ?? ''],
      ['Event source', e.eventSource],
      ['Source IP', record.sourceIPAddress ?? ''],
      ['User agent', record.userAgent ?? ''],
      ['Access key', e.accessKeyId ?? ''],
      ['Error', e.errorCode ? `${e.errorCode}${record.errorMessage ? ` — ${record.errorMessage}` : ''}` : ''],
    ];
    clear(panel).append(
      h(
        'header',
        { class: 'panel-head' },
        h('h2', {}, e.eventName),
        h('div', { class: 'actions' }, h('button', { class: 'ghost', type: 'button', id: 'copy-record', onclick: () => copy(JSON.stringify(record, null, 2)) }, 'Copy JSON'), h('button', { class: 'ghost icon', type: 'button', 'aria-label': 'Close', title: 'Close (Esc)', onclick: closePanel }, '✕')),
      ),
      h('dl', { class: 'facts' }, facts.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h3', {}, 'Event record'),
      jsonView(record),
    );
    panel.hidden = false;
  }

  function closePanel() {
    panel.hidden = true;
    selected = -1;
    for (const tr of tableBox.querySelectorAll('tr.selected')) tr.classList.remove('selected');
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      toast('Event record copied');
    } catch {
      toast('The browser refused the clipboard', 'error');
    }
  }

  function startLive(params) {
    clearInterval(liveTimer);
    const { start, end, ...rest } = params;
    // A live view follows "now": only relative ranges get live updates.
    if (s.range === 'custom') return;
    const poll = async () => {
      if (!live.checked || document.hidden) return;
      try {
        const out = await get('/console/api/events/live', latestSeq === undefined ? rest : { ...rest, after: String(latestSeq) });
        latestSeq = out.latest;
        const fresh = out.events.filter((e) => !rows.some((r) => r.eventId === e.eventId));
        if (fresh.length === 0) return;
        if (pageIndex === 0) {
          rows = [...fresh.map((e) => ({ ...e, fresh: true })), ...rows].slice(0, 100);
          if (selected >= 0) selected += fresh.length;
          renderTable();
          get('/console/api/events/chart', apiParams(s, ctx.region)).then((c) => clear(chartBox).append(eventsChart(c)), () => undefined);
        } else {
          newBadge.hidden = false;
          newBadge.textContent = 'New events — show the newest';
        }
      } catch {
        /* the next poll tries again */
      }
    };
    poll();
    liveTimer = setInterval(poll, LIVE_MS);
  }

  const onKey = (e) => {
    if (e.target.closest('input, select, textarea') || document.querySelector('dialog[open]')) return;
    if (e.key === 'Escape' && !panel.hidden) return closePanel();
    if (e.key === 'j' || e.key === 'k') {
      const next = Math.max(0, Math.min(rows.length - 1, selected + (e.key === 'j' ? 1 : -1)));
      if (rows.length) open(next);
    }
  };
  document.addEventListener('keydown', onKey);
  ctx.onCleanup(() => {
    clearInterval(liveTimer);
    document.removeEventListener('keydown', onKey);
  });
  load();
}
