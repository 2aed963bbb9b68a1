// The fleet: every node in one virtualized grid (only the rows in view exist in the DOM, so 10,000
// nodes cost what 40 do), filtered, searched and sorted in memory, kept current by the event stream.
import { api } from './api.js';

const FIELDS = [
  'uuid', 'name', 'driver', 'power_state', 'target_power_state', 'provision_state',
  'target_provision_state', 'maintenance', 'maintenance_reason', 'fault', 'last_error',
  'conductor', 'reservation', 'updated_at',
];

const COLUMNS = [
  { key: 'name', label: 'Name', cls: 'c-name' },
  { key: 'power_state', label: 'Power', cls: 'c-power' },
  { key: 'provision_state', label: 'Provision state', cls: 'c-state' },
  { key: 'maintenance', label: 'Maintenance', cls: 'c-maint' },
  { key: 'fault', label: 'Fault', cls: 'c-fault' },
  { key: 'last_error', label: 'Last error', cls: 'c-error' },
  { key: 'conductor', label: 'Conductor', cls: 'c-cond' },
  { key: 'driver', label: 'Driver', cls: 'c-driver' },
];

const ROW = 30; // px, the height of one row (app.css .row)
const OVERSCAN = 8;

const nodes = new Map(); // uuid -> summary, with _hay (search text) and _t (updated_at ms)
let view = []; // the nodes shown, filtered and sorted
let sortKey = 'name';
let sortDir = 1;
let dirty = false;
let firstRendered = false;
const el = {};

function text(v) {
  return v === null || v === undefined ? '' : String(v);
}

function prepare(n) {
  n._t = n.updated_at ? Date.parse(n.updated_at) : 0;
  n._hay = [n.name, n.uuid, n.last_error, n.driver, n.maintenance_reason, n.fault, n.provision_state]
    .map(text).join('\u0001').toLowerCase();
  return n;
}

/** Stores a node; an older copy (a list page read before an event) never replaces a newer one. */
function upsert(n, fromEvent) {
  const old = nodes.get(n.uuid);
  prepare(n);
  if (old && !fromEvent && old._t > n._t) return;
  nodes.set(n.uuid, n);
}

function filters() {
  return {
    q: el.search.value.trim().toLowerCase(),
    state: el.state.value,
    maint: el.maint.value,
    fault: el.fault.value,
    power: el.power.value,
  };
}

function matches(n, f) {
  if (f.state && n.provision_state !== f.state) return false;
  if (f.maint === 'yes' && !n.maintenance) return false;
  if (f.maint === 'no' && n.maintenance) return false;
  if (f.fault === 'yes' && !n.fault) return false;
  if (f.fault === 'no' && n.fault) return false;
  if (f.power === 'none' ? n.power_state : f.power && n.power_state !== f.power) return false;
  if (f.q && !n._hay.includes(f.q)) return false;
  return true;
}

function sortValue(n) {
  const v = n[sortKey];
  if (sortKey === 'maintenance') return n.maintenance ? 1 : 0;
  return v === null || v === undefined ? '' : String(v).toLowerCase();
}

function recompute() {
  const f = filters();
  const out = [];
  for (const n of nodes.values()) if (matches(n, f)) out.push(n);
  const keyed = out.map((n) => [sortValue(n), text(n.name), n]);
  keyed.sort((a, b) => (a[0] < b[0] ? -sortDir : a[0] > b[0] ? sortDir : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  view = keyed.map((k) => k[2]);
  el.spacer.style.height = `${view.length * ROW}px`;
  el.shown.textContent = `${view.length.toLocaleString()} of ${nodes.size.toLocaleString()} nodes`;
  document.body.dataset.nodes = String(nodes.size);
  document.body.dataset.shown = String(view.length);
  counts();
}

function counts() {
  const per = new Map();
  let maint = 0;
  let faults = 0;
  for (const n of nodes.values()) {
    const s = n.provision_state || 'none';
    per.set(s, (per.get(s) || 0) + 1);
    if (n.maintenance) maint++;
    if (n.fault) faults++;
  }
  const states = [...per.keys()].sort();
  const frag = document.createDocumentFragment();
  const chip = (label, count, onClick, cls) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `chip ${cls || ''}`;
    b.textContent = `${label} `;
    const c = document.createElement('b');
    c.textContent = count.toLocaleString();
    b.append(c);
    b.addEventListener('click', onClick);
    frag.append(b);
  };
  chip('all', nodes.size, () => { el.state.value = ''; el.maint.value = ''; el.fault.value = ''; refilter(); });
  for (const s of states) {
    chip(s, per.get(s), () => { el.state.value = s === 'none' ? '' : s; refilter(); }, `st-${s.replace(/[^a-z]/g, '-')}`);
  }
  chip('maintenance', maint, () => { el.maint.value = 'yes'; refilter(); }, 'warn');
  chip('fault', faults, () => { el.fault.value = 'yes'; refilter(); }, 'bad');
  el.counts.replaceChildren(frag);
  // The state filter offers every state present.
  const current = el.state.value;
  const known = new Set([...el.state.options].map((o) => o.value));
  for (const s of states) {
    if (!known.has(s) && s !== 'none') el.state.add(new Option(s, s));
  }
  el.state.value = current;
}

function cell(cls, value, title) {
  const d = document.createElement('div');
  d.className = `cell ${cls}`;
  d.setAttribute('role', 'cell');
  d.textContent = value;
  if (title) d.title = title;
  return d;
}

function renderRows() {
  const top = el.viewport.scrollTop;
  const height = el.viewport.clientHeight || 600;
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((top + height) / ROW) + OVERSCAN);
  const frag = document.createDocumentFragment();
  for (let i = first; i < last; i++) {
    const n = view[i];
    const row = document.createElement('a');
    row.className = 'row';
    row.setAttribute('role', 'row');
    row.href = `#/node/${encodeURIComponent(n.uuid)}`;
    row.dataset.uuid = n.uuid;
    row.style.transform = `translateY(${i * ROW}px)`;
    const state = n.target_provision_state
      ? `${text(n.provision_state)} → ${n.target_provision_state}` : text(n.provision_state);
    const power = n.target_power_state ? `${text(n.power_state)} → ${n.target_power_state}` : text(n.power_state) || 'unknown';
    row.append(
      cell('c-name', text(n.name) || n.uuid, n.uuid),
      cell(`c-power ${n.power_state === 'power on' ? 'on' : 'off'}`, power),
      cell(`c-state st-${text(n.provision_state).replace(/[^a-z]/g, '-')}`, state),
      cell('c-maint' + (n.maintenance ? ' warn' : ''), n.maintenance ? (n.maintenance_reason || 'yes') : '', n.maintenance_reason),
      cell('c-fault' + (n.fault ? ' bad' : ''), text(n.fault)),
      cell('c-error', text(n.last_error), n.last_error),
      cell('c-cond', text(n.conductor)),
      cell('c-driver', text(n.driver)),
    );
    frag.append(row);
  }
  el.rows.replaceChildren(frag);
}

function render() {
  recompute();
  renderRows();
}

/** Re-filters now and records how long it took, to the next paint (performance entries). */
function refilter() {
  const start = performance.now();
  el.viewport.scrollTop = 0;
  render();
  requestAnimationFrame(() => setTimeout(() => {
    performance.measure('fleet-filter', { start, end: performance.now() });
  }, 0));
}

/** Many events in one frame cost one re-render. */
function schedule() {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => {
    dirty = false;
    render();
  });
}

function header() {
  const frag = document.createDocumentFragment();
  for (const c of COLUMNS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `cell ${c.cls} sort`;
    b.setAttribute('role', 'columnheader');
    b.textContent = c.label + (sortKey === c.key ? (sortDir > 0 ? ' ▲' : ' ▼') : '');
    b.addEventListener('click', () => {
      if (sortKey === c.key) sortDir = -sortDir; else { sortKey = c.key; sortDir = 1; }
      header();
      refilter();
    });
    frag.append(b);
  }
  el.head.replaceChildren(frag);
}

/**
 * Loads every node: a first page of 200 drawn at once, then pages of 1,000 (the API's most), each
 * drawn as it arrives.
 */
export async function load() {
  let path = `/v1/nodes?limit=200&fields=${FIELDS.join(',')}`;
  while (path) {
    const page = await api('GET', path);
    for (const n of page.nodes) upsert(n, false);
    render();
    if (!firstRendered) {
      firstRendered = true;
      performance.mark('fleet-first-rows');
      performance.measure('fleet-first-render', { start: 0, end: performance.now() });
    }
    path = null;
    if (page.next) {
      const next = new URL(page.next, location.href);
      next.searchParams.set('limit', '1000');
      path = next.pathname + next.search;
    }
  }
  performance.measure('fleet-loaded', { start: 0, end: performance.now() });
  document.body.dataset.loaded = 'true';
}

export function nodeChanged(n) {
  upsert(n, true);
  schedule();
}

export function nodeDeleted(d) {
  nodes.delete(d.uuid);
  schedule();
}

export function clear() {
  nodes.clear();
}

export function init() {
  el.search = document.getElementById('search');
  el.state = document.getElementById('f-state');
  el.maint = document.getElementById('f-maint');
  el.fault = document.getElementById('f-fault');
  el.power = document.getElementById('f-power');
  el.counts = document.getElementById('counts');
  el.shown = document.getElementById('shown');
  el.head = document.getElementById('grid-head');
  el.viewport = document.getElementById('viewport');
  el.spacer = document.getElementById('rows-spacer');
  el.rows = document.getElementById('rows');
  header();
  el.search.addEventListener('input', refilter);
  for (const s of [el.state, el.maint, el.fault, el.power]) s.addEventListener('change', refilter);
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  let ticking = false;
  el.viewport.addEventListener('scroll', () => {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(() => { ticking = false; renderRows(); });
  });
  window.addEventListener('resize', () => renderRows());
}

/** Shown again after the node page: the rows may have changed meanwhile. */
export function shown() {
  render();
}
