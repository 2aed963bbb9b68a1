// The node page's "Boot history (reported by AMT)" section: the boots and power changes the node's
// AMT logged in its event log (GET /v1/nodes/<uuid>/management/boot_history). Read on demand only:
// each read talks to the AMT, so the page never reloads it by itself (docs/web-ui.md#boot-history).
import { api } from './api.js';

let shownFor = null; // the node whose section is set up
let generation = 0; // a read answered after the user moved on is dropped

function $(id) {
  return document.getElementById(id);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function time(t) {
  if (!t) return '(no time)';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toLocaleString();
}

/**
 * The boots in the events (newest first in, oldest first out): each restart opens a boot; the
 * device the BIOS handed over to and any boot error belong to the boot they follow.
 */
export function groupBoots(events) {
  const boots = [];
  let boot = null;
  for (const e of [...events].reverse()) {
    if (e.kind === 'restart') {
      boot = { time: e.time, cause: e.description.replace(/^Boot started: /, ''), device: null, errors: [] };
      boots.push(boot);
    } else if (boot && e.kind === 'boot_device') {
      boot.device = e.device || e.description;
    } else if (boot && (e.kind === 'boot_error' || e.kind === 'firmware_error')) {
      boot.errors.push(e.description);
    } else if (e.kind === 'power_off') {
      boot = null;
    }
  }
  return boots.reverse();
}

function renderBoots(boots) {
  const list = el('ol', null, 'boots');
  list.id = 'boots-list';
  for (const b of boots) {
    const li = el('li');
    li.className = 'boot';
    li.dataset.device = b.device || '';
    li.append(el('span', time(b.time), 'muted'), ' ', el('strong', b.device ? `→ ${b.device}` : '→ no device'), ` (${b.cause})`);
    for (const err of b.errors) li.append(' ', el('span', err, 'bad'));
    list.append(li);
  }
  if (!boots.length) list.append(el('li', 'No boot in the log.', 'muted'));
  return list;
}

function renderEvents(events) {
  const table = el('table', null, 'events');
  table.id = 'boots-events';
  const head = el('thead');
  const hr = el('tr');
  for (const h of ['Time', 'Kind', 'Device', 'Event', 'Reported by']) hr.append(el('th', h));
  head.append(hr);
  const body = el('tbody');
  for (const e of events) {
    const tr = el('tr');
    tr.dataset.kind = e.kind;
    const what = el('td', e.description);
    if (e.kind === 'unknown') what.append(el('div', e.raw, 'muted mono'));
    tr.append(el('td', time(e.time)), el('td', e.kind.replace(/_/g, ' ')), el('td', e.device || ''), what, el('td', e.reporter));
    if (['boot_error', 'firmware_error', 'os_failure'].includes(e.kind)) tr.className = 'bad';
    body.append(tr);
  }
  table.append(head, body);
  return table;
}

async function load(uuid) {
  const mine = ++generation;
  const out = $('boots');
  const button = $('boots-load');
  button.disabled = true;
  out.className = 'muted';
  out.textContent = 'Reading the event log from the AMT…';
  try {
    const h = await api('GET', `/v1/nodes/${encodeURIComponent(uuid)}/management/boot_history?limit=500`);
    if (mine !== generation || shownFor !== uuid) return;
    out.className = '';
    const note = el(
      'p',
      `${h.events.length} of ${h.total} events${h.truncated ? ' (older ones not shown)' : ''}, read ${time(h.read_at)} in ${h.requests} requests.`,
      'muted',
    );
    note.id = 'boots-note';
    out.replaceChildren(renderBoots(groupBoots(h.events)), note, renderEvents(h.events));
  } catch (e) {
    if (mine !== generation) return;
    out.className = 'bad';
    out.textContent = e.message;
  } finally {
    if (mine === generation) button.disabled = false;
  }
}

/** Sets the section up for a node: a button that reads its AMT's log; kept while it stays shown. */
export function prepareBoots(uuid) {
  if (shownFor === uuid) return;
  shownFor = uuid;
  generation++;
  const button = $('boots-load');
  button.disabled = false;
  button.onclick = () => load(uuid);
  const out = $('boots');
  out.className = 'muted';
  out.textContent = 'Not read yet: the AMT is asked only when you press the button.';
}

/** The node page closed. */
export function hideBoots() {
  shownFor = null;
  generation++;
}
