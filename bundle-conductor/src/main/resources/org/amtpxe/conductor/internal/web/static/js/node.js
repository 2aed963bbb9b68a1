// The node page: its state, the actions the user's role allows, the deploy's progress step by step
// (the steps the conductor and the driver record in the node's history), the history, ports,
// inspected hardware and fields.
// Refreshed when the event stream says the node changed; never polled.
import { api, mayOperate } from './api.js';
import { confirmAction } from './dialog.js';
import { hideBoots, prepareBoots } from './boots.js';
import * as terminal from './terminal.js';

let current = null; // the node's UUID or name, as in the address
let uuid = null;
let refreshTimer = null;
let status = '';

function $(id) {
  return document.getElementById(id);
}

function text(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function time(t) {
  if (!t) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toLocaleString();
}

function dl(target, pairs) {
  const frag = document.createDocumentFragment();
  for (const [k, v, cls] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = text(v);
    if (cls) dd.className = cls;
    dd.dataset.field = k;
    frag.append(dt, dd);
  }
  target.replaceChildren(frag);
}

function kvTable(obj, depth = 0) {
  const table = document.createElement('table');
  table.className = 'kv';
  const body = document.createElement('tbody');
  for (const [k, v] of Object.entries(obj || {})) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = k;
    const td = document.createElement('td');
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < 3) td.append(kvTable(v, depth + 1));
    else if (Array.isArray(v) && v.length && typeof v[0] === 'object' && depth < 3) {
      for (const item of v) td.append(kvTable(item, depth + 1));
    } else td.textContent = text(v);
    tr.append(th, td);
    body.append(tr);
  }
  table.append(body);
  return table;
}

// The deploy's steps as the conductor and the driver record them in the node's history
// (docs/web-ui.md#deploy-steps): each driver step's event starts with the Ironic deploy step it
// belongs to; the conductor's state changes mark the callback, the end and a failure.
const STEPS = [
  { key: 'power', label: 'Powered on by AMT with PXE armed', re: /^deploy\.deploy: PXE armed/ },
  { key: 'served', label: 'Boot files served', re: /^deploy\.\w+: .+ served over |^deploy ramdisk booted/ },
  { key: 'callback', label: 'Ramdisk called back (image written)', re: /^wait call-back -> deploying$/ },
  { key: 'rearm', label: 'Boot device re-armed', re: /^deploy\.prepare_instance_boot: / },
  { key: 'reboot', label: 'Rebooted into the instance', re: /^deploy\.boot_instance: / },
  { key: 'active', label: 'Active', re: /^deploying -> active$/ },
];

/** The last deploy's steps, from the node's history events (oldest first). */
export function deploySteps(events, node) {
  let start = -1;
  for (let i = 0; i < events.length; i++) {
    if (/^(available|active|deploy failed) -> deploying$/.test(events[i].event)) start = i;
  }
  if (start < 0) return { steps: [], started: null };
  const t0 = Date.parse(events[start].created_at);
  const elapsed = (t) => (Date.parse(t) - t0) / 1000;
  const result = STEPS.map((s) => ({ ...s, state: 'pending', time: null, elapsed: null, details: [] }));
  let failed = null;
  for (let i = start + 1; i < events.length; i++) {
    const e = events[i];
    if (e.severity === 'ERROR' && /-> deploy failed/.test(e.event)) {
      failed = e;
      break;
    }
    const j = result.findIndex((s) => s.re.test(e.event));
    if (j < 0) continue;
    const step = result[j];
    if (step.state === 'pending') {
      step.state = 'done';
      step.time = e.created_at;
      step.elapsed = elapsed(e.created_at);
    }
    // What the step did, in the driver's words without the step's name (the files served, ...).
    step.details.push({ time: e.created_at, text: e.event.replace(/^deploy\.\w+: /, '') });
    // A later step done means the earlier ones were passed, recorded or not (an older driver).
    for (let k = 0; k < j; k++) {
      if (result[k].state === 'pending') result[k].state = 'done';
    }
  }
  const next = result.find((s) => s.state === 'pending');
  if (failed && next) {
    next.state = 'failed';
    next.time = failed.created_at;
    next.elapsed = elapsed(failed.created_at);
    next.note = failed.event;
  } else if (next && /deploying|wait call-back/.test(node.provision_state)) {
    next.state = 'current';
  }
  return { steps: result, started: events[start].created_at };
}

function renderProgress(events, node) {
  const { steps, started } = deploySteps(events, node);
  const list = $('progress');
  if (!steps.length) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'No deploy recorded in this node\'s history.';
    list.replaceChildren(li);
    return;
  }
  const frag = document.createDocumentFragment();
  const head = document.createElement('li');
  head.className = 'muted';
  head.dataset.started = started;
  head.textContent = `Deploy started ${time(started)}`;
  frag.append(head);
  for (const s of steps) {
    const li = document.createElement('li');
    li.className = `step ${s.state}`;
    li.dataset.step = s.key;
    li.dataset.state = s.state;
    const label = document.createElement('span');
    label.textContent = s.label;
    const when = document.createElement('span');
    when.className = 'muted';
    when.textContent = s.time
      ? `${time(s.time)} (+${s.elapsed.toFixed(1)} s)`
      : s.state === 'current'
        ? 'in progress…'
        : s.state === 'done'
          ? 'not recorded'
          : '';
    li.append(label, when);
    if (s.details.length) {
      const ul = document.createElement('ul');
      ul.className = 'step-details';
      for (const d of s.details) {
        const item = document.createElement('li');
        item.textContent = `${d.text} (+${((Date.parse(d.time) - Date.parse(started)) / 1000).toFixed(1)} s)`;
        ul.append(item);
      }
      li.append(ul);
    }
    if (s.note) {
      const note = document.createElement('div');
      note.className = 'bad';
      note.textContent = s.note;
      li.append(note);
    }
    frag.append(li);
  }
  list.replaceChildren(frag);
}

function renderEvents(events) {
  const frag = document.createDocumentFragment();
  for (const e of [...events].reverse()) {
    const tr = document.createElement('tr');
    tr.className = e.severity === 'ERROR' ? 'bad' : e.severity === 'WARNING' ? 'warn' : '';
    for (const v of [time(e.created_at), e.severity, e.event_type, e.event, e.user]) {
      const td = document.createElement('td');
      td.textContent = text(v);
      tr.append(td);
    }
    frag.append(tr);
  }
  $('events').replaceChildren(frag);
}

function renderPorts(ports) {
  const frag = document.createDocumentFragment();
  if (!ports.length) {
    const tr = document.createElement('tr');
    tr.textContent = 'No ports.';
    frag.append(tr);
  }
  for (const p of ports) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = p.address;
    const td = document.createElement('td');
    td.textContent = `pxe_enabled: ${text(p.pxe_enabled)}  uuid: ${p.uuid}`;
    tr.append(th, td);
    frag.append(tr);
  }
  $('ports').replaceChildren(frag);
}

function renderState(n) {
  const power = n.target_power_state ? `${text(n.power_state)} → ${n.target_power_state}` : text(n.power_state) || 'unknown';
  const state = n.target_provision_state ? `${n.provision_state} → ${n.target_provision_state}` : n.provision_state;
  dl($('state-list'), [
    ['Power', power, n.power_state === 'power on' ? 'on' : 'off'],
    ['Provision state', state],
    ['Maintenance', n.maintenance ? `yes: ${text(n.maintenance_reason)}` : 'no', n.maintenance ? 'warn' : ''],
    ['Fault', n.fault || 'none', n.fault ? 'bad' : ''],
    ['Last error', n.last_error || 'none', n.last_error ? 'bad' : ''],
    ['Conductor', n.conductor],
    ['Locked by', n.reservation || '—'],
    ['Driver', n.driver],
    ['UUID', n.uuid],
    ['Updated', time(n.updated_at)],
  ]);
}

function renderHardware(n) {
  const info = n.driver_internal_info || {};
  const box = $('hardware');
  if (info.inspection && typeof info.inspection === 'object') {
    box.replaceChildren(kvTable(info.inspection));
  } else {
    box.textContent = 'Not inspected (provision state "inspect" from manageable reads it over AMT).';
    box.className = 'muted';
  }
}

function renderFields(n) {
  const frag = document.createDocumentFragment();
  const internal = { ...(n.driver_internal_info || {}) };
  delete internal.inspection;
  for (const [title, obj] of [
    ['driver_info (secrets masked)', n.driver_info],
    ['instance_info', n.instance_info],
    ['properties', n.properties],
    ['driver_internal_info', internal],
    ['extra', n.extra],
  ]) {
    const h = document.createElement('h3');
    h.textContent = title;
    frag.append(h, kvTable(obj));
  }
  $('fields').replaceChildren(frag);
}

/** The actions a member or admin may take in this state; none at all for a reader. */
function renderActions(n) {
  const box = $('actions');
  box.replaceChildren();
  if (!mayOperate()) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = 'Your role (reader) can look but not act.';
    box.append(p);
    return;
  }
  const ps = n.provision_state;
  const busy = !!n.reservation || !!n.target_power_state;
  const add = (label, id, enabled, run, confirmText, cls) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = id;
    b.textContent = label;
    b.className = cls || '';
    b.disabled = !enabled || busy;
    b.addEventListener('click', async () => {
      if (confirmText && !(await confirmAction(confirmText, label))) return;
      act(label, run);
    });
    box.append(b);
  };
  const path = `/v1/nodes/${encodeURIComponent(n.uuid)}`;
  const name = n.name || n.uuid;
  const power = (target) => () => api('PUT', `${path}/states/power`, { target });
  const provision = (target) => () => api('PUT', `${path}/states/provision`, { target });
  const row = (title) => {
    const h = document.createElement('h3');
    h.textContent = title;
    box.append(h);
  };
  row('Power');
  add('Power on', 'act-power-on', n.power_state !== 'power on', power('power on'));
  add('Power off', 'act-power-off', n.power_state !== 'power off', power('power off'), `Power off ${name}? Whatever runs on it stops at once.`, 'danger');
  add('Reboot', 'act-reboot', true, power('rebooting'), `Reboot ${name}? Whatever runs on it stops at once.`, 'danger');
  const sel = document.createElement('select');
  sel.id = 'boot-device';
  for (const d of ['pxe', 'disk', 'cdrom', 'bios', 'safe']) sel.add(new Option(d, d));
  box.append(sel);
  add('Set boot device', 'act-boot', true, () => api('PUT', `${path}/management/boot_device`, { boot_device: sel.value, persistent: false }));
  row('Provisioning');
  add('Manage', 'act-manage', ['enroll', 'adopt failed', 'inspect failed', 'clean failed'].includes(ps), provision('manage'));
  add('Inspect', 'act-inspect', ps === 'manageable', provision('inspect'));
  add('Provide', 'act-provide', ps === 'manageable', provision('provide'));
  add('Deploy', 'act-deploy', ps === 'available' || ps === 'deploy failed', provision('active'), `Deploy ${name}? Its disk is overwritten with the image of instance_info.`, 'danger');
  add('Undeploy', 'act-undeploy', ps === 'active' || ps === 'deploy failed', provision('deleted'), `Undeploy ${name}? The instance is powered off and its boot files removed.`, 'danger');
  row('Maintenance');
  if (n.maintenance) {
    add('End maintenance', 'act-maint-off', true, () => api('DELETE', `${path}/maintenance`));
  } else {
    const reason = document.createElement('input');
    reason.id = 'maint-reason';
    reason.placeholder = 'reason';
    reason.maxLength = 255;
    box.append(reason);
    add('Set maintenance', 'act-maint-on', true, () => api('PUT', `${path}/maintenance`, reason.value ? { reason: reason.value } : {}));
  }
  const out = document.createElement('div');
  out.id = 'action-status';
  out.setAttribute('role', 'status');
  out.textContent = status;
  box.append(out);
}

async function act(label, run) {
  const out = $('action-status');
  status = `${label}…`;
  if (out) { out.className = 'muted'; out.textContent = status; }
  try {
    await run();
    status = `${label}: accepted.`;
    if (out) { out.className = 'ok'; out.textContent = status; }
  } catch (e) {
    status = `${label} failed: ${e.message}`;
    const o = $('action-status');
    if (o) { o.className = 'bad'; o.textContent = status; }
  }
  refreshSoon();
}

async function refresh() {
  if (!current) return;
  try {
    const n = await api('GET', `/v1/nodes/${encodeURIComponent(current)}`);
    uuid = n.uuid;
    const [ports, history] = await Promise.all([
      api('GET', `/v1/nodes/${encodeURIComponent(n.uuid)}/ports?detail=true`),
      api('GET', `/v1/nodes/${encodeURIComponent(n.uuid)}/history/detail?sort_dir=desc&limit=500`),
    ]);
    if (current !== n.uuid && current !== n.name) return; // navigated away meanwhile
    const events = [...history.history].reverse();
    $('node-title').textContent = n.name || n.uuid;
    document.title = `amtpxe: ${n.name || n.uuid}`;
    document.body.dataset.provisionState = n.provision_state;
    renderState(n);
    renderActions(n);
    renderProgress(events, n);
    renderEvents(events);
    renderPorts(ports.ports || []);
    renderHardware(n);
    prepareBoots(n.uuid);
    renderFields(n);
    terminal.update(n);
  } catch (e) {
    const box = $('error');
    box.textContent = e.message;
    box.hidden = false;
  }
}

function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150);
}

export function show(ident) {
  current = ident;
  uuid = null;
  status = '';
  $('node-title').textContent = ident;
  refresh();
}

export function hide() {
  current = null;
  uuid = null;
  hideBoots();
  terminal.leave();
}

/** A node was deleted (event stream): the page says so if it is this one. */
export function nodeDeleted(d) {
  if (current && (d.uuid === uuid || d.uuid === current)) {
    const box = $('error');
    box.textContent = `This node was deleted.`;
    box.hidden = false;
  }
}

/** A node changed (event stream): the page reloads it if it is this one. */
export function nodeChanged(n) {
  if (current && (n.uuid === uuid || n.uuid === current || n.name === current)) refreshSoon();
}
