// The node page's terminal on the node's serial console (docs/web-ui.md#terminal): xterm.js fed by
// the conductor's stream of the console's output (POST /ui/console/<node>, read as a stream of
// events), keys posted back by the terminal's id. Members and admins only; a reader sees nothing.
import { api, currentSession, mayOperate } from './api.js';
import { confirmAction } from './dialog.js';

// xterm.js (345 KB) is loaded when a terminal first attaches, not with every page: the fleet never
// needs it (docs/web-ui.md#first-load).
let xterm = null;
let node = null; // the node shown: uuid, name, console_enabled
let open = null; // the attached terminal: { id, term, abort, keys, sending, maxKeys }
let message = '';

function $(id) {
  return document.getElementById(id);
}

// NOTE: xterm.js 6 writes part of its CSS (theme colours, row layout, scrollbar) into <style>
// elements it creates, and style-src 'self' refuses those (docs/web-ui.md#terminal). The page has no
// <style> element of its own (the policy would refuse it too), so a <style> made by a script is
// given a stand-in whose text goes into a constructed stylesheet: the CSSOM, which the policy does
// not govern, applies the same rules without an inline style element.
function constructedStyles() {
  if (document.createElement.amtpxe) return;
  const create = document.createElement.bind(document);
  const patched = (name, options) => {
    if (String(name).toLowerCase() !== 'style') return create(name, options);
    const stand = create('span');
    stand.hidden = true;
    const sheet = new CSSStyleSheet();
    let text = '';
    Object.defineProperty(stand, 'textContent', {
      get: () => text,
      set: (v) => {
        text = String(v);
        sheet.replaceSync(text);
      },
    });
    const remove = stand.remove.bind(stand);
    stand.remove = () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      remove();
    };
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return stand;
  };
  patched.amtpxe = true;
  document.createElement = patched;
  // NOTE: xterm.js's DOM renderer gives a cell a 24-bit colour with setAttribute('style', …), which
  // style-src 'self' refuses too (the cell lost its colour). The same declarations set through the
  // CSSOM (element.style.cssText) apply without an inline style attribute, so a script's
  // setAttribute('style') goes there. The page's own code sets no style attribute, and markup
  // parsed from a string still gets none: the policy still refuses every inline style.
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === 'style' && this.style) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
}

function csrfHeaders() {
  const s = currentSession();
  return s && s.csrf ? { 'X-CSRF-Token': s.csrf } : {};
}

function say(text, cls) {
  message = text;
  const out = $('console-status');
  if (out) {
    out.className = cls || 'muted';
    out.textContent = text;
  }
}

function button(id, label, onClick, danger) {
  const b = document.createElement('button');
  b.id = id;
  b.textContent = label;
  if (danger) b.className = 'danger';
  b.addEventListener('click', onClick);
  return b;
}

/** Draws the controls for the node's console state (the terminal itself is kept while attached). */
function render() {
  const section = $('node-console');
  const slot = $('console-slot');
  if (!node || !mayOperate()) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  if (!open) document.body.dataset.console = node.console_enabled ? 'enabled' : 'off';
  let bar = $('console-bar');
  if (!bar) {
    bar = document.createElement('div');
    bar.id = 'console-bar';
    const status = document.createElement('div');
    status.id = 'console-status';
    status.setAttribute('role', 'status');
    const screen = document.createElement('div');
    screen.id = 'terminal';
    slot.replaceChildren(bar, status, screen);
  }
  bar.replaceChildren();
  if (open) {
    bar.append(button('console-detach', 'Detach', () => detach('detached')));
  } else if (node.console_enabled) {
    bar.append(button('console-attach', 'Attach', attach));
    bar.append(button('console-disable', 'Disable console', disable, true));
  } else {
    const p = document.createElement('span');
    p.className = 'muted';
    p.textContent = 'The console is not enabled. ';
    bar.append(p, button('console-enable', 'Enable console', enable));
  }
  $('terminal').hidden = !open;
  say(message, $('console-status').className);
}

async function setConsole(enabled) {
  await api('PUT', `/v1/nodes/${encodeURIComponent(node.uuid)}/states/console`, { enabled });
}

async function enable() {
  const name = node.name || node.uuid;
  const ok = await confirmAction(
    `Enable the serial console of ${name}? Whoever attaches can type on the machine's console.`,
    'Enable console',
  );
  if (!ok) return;
  try {
    say('Enabling the console…');
    await setConsole(true);
    say('Console enabling: accepted.', 'ok');
  } catch (e) {
    say(`Enabling the console failed: ${e.message}`, 'bad');
  }
}

async function disable() {
  const ok = await confirmAction(`Disable the serial console of ${node.name || node.uuid}?`, 'Disable');
  if (!ok) return;
  try {
    await setConsole(false);
    say('Console disabling: accepted.', 'ok');
  } catch (e) {
    say(`Disabling the console failed: ${e.message}`, 'bad');
  }
}

function bytesOf(base64) {
  const s = atob(base64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Posts the typed keys, one post at a time, at most maxKeys bytes each. */
async function sendKeys(t) {
  if (t.sending) return;
  t.sending = true;
  try {
    while (t.keys.length > 0 && open === t) {
      const chunk = t.keys.slice(0, t.maxKeys);
      t.keys = t.keys.slice(chunk.length);
      const r = await fetch(
        `/ui/console/${encodeURIComponent(node.uuid)}/keys?terminal=${t.id}`,
        {
          method: 'POST',
          headers: { ...csrfHeaders(), 'Content-Type': 'application/octet-stream' },
          body: chunk,
          credentials: 'same-origin',
          cache: 'no-store',
        },
      );
      if (r.status === 409) {
        say(await r.text(), 'warn'); // no session at this moment: the keys are lost
      } else if (!r.ok) {
        say(`Keys refused: ${r.status} ${await r.text()}`, 'bad');
      }
    }
  } finally {
    t.sending = false;
  }
}

function typed(t, bytes) {
  const all = new Uint8Array(t.keys.length + bytes.length);
  all.set(t.keys);
  all.set(bytes, t.keys.length);
  t.keys = all;
  sendKeys(t);
}

/** Reads the stream's events until it ends. */
async function readStream(t, response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let reason = 'the stream closed';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let type = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) type = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (type === 'output') {
          t.term.write(bytesOf(data));
        } else if (type === 'hello') {
          const h = JSON.parse(data);
          t.id = h.terminal;
          t.maxKeys = h.max_keys;
          say('Attached; connecting to the serial port…');
          document.body.dataset.console = 'attached';
        } else if (type === 'connected') {
          say('Connected: keys typed here go to the machine.', 'ok');
          document.body.dataset.console = 'connected';
        } else if (type === 'ended') {
          reason = JSON.parse(data);
        }
      }
    }
  } catch (e) {
    if (t.abort.signal.aborted) return;
    reason = e.message;
  }
  if (open === t) ended(t, `The console ended: ${reason}.`);
}

function ended(t, text) {
  open = null;
  t.abort.abort();
  say(text, 'warn');
  render();
}

async function attach() {
  if (open || !node) return;
  if (!xterm) {
    try {
      xterm = await import('../vendor/xterm/xterm.mjs');
    } catch (e) {
      say(`The terminal could not be loaded: ${e.message}`, 'bad');
      return;
    }
    if (open || !node) return;
  }
  constructedStyles();
  const screen = $('terminal');
  screen.replaceChildren();
  screen.hidden = false;
  const term = new xterm.Terminal({ rows: 24, cols: 100, convertEol: false, scrollback: 2000 });
  term.open(screen);
  const t = { id: null, term, abort: new AbortController(), keys: new Uint8Array(0), sending: false, maxKeys: 1024 };
  const encoder = new TextEncoder();
  term.onData((s) => t.id && typed(t, encoder.encode(s)));
  term.onBinary((s) => t.id && typed(t, Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)));
  open = t;
  render();
  say('Attaching…');
  let r;
  try {
    r = await fetch(`/ui/console/${encodeURIComponent(node.uuid)}`, {
      method: 'POST',
      headers: csrfHeaders(),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: t.abort.signal,
    });
  } catch (e) {
    ended(t, `Attaching failed: ${e.message}`);
    return;
  }
  if (!r.ok) {
    ended(t, `Attaching failed: ${(await r.text()).trim()}`);
    return;
  }
  // NOTE: xterm.js draws nothing while the terminal is out of view (it watches with an
  // IntersectionObserver), and the Console card is the last of the node page.
  screen.scrollIntoView({ block: 'nearest' });
  term.focus();
  readStream(t, r);
}

/** Detaches the open terminal, telling the conductor (keepalive: also while the page unloads). */
export function detach(why) {
  const t = open;
  if (!t) return;
  open = null;
  if (t.id && node) {
    fetch(`/ui/console/${encodeURIComponent(node.uuid)}/detach?terminal=${t.id}`, {
      method: 'POST',
      headers: csrfHeaders(),
      credentials: 'same-origin',
      keepalive: true,
    }).catch(() => {});
  }
  t.abort.abort();
  say(why === 'detached' ? 'Detached.' : why, 'muted');
  if (node) render();
}

/** The node page shows (or reloaded) a node. */
export function update(n) {
  if (node && node.uuid !== n.uuid) {
    detach('detached');
    message = '';
  }
  node = { uuid: n.uuid, name: n.name, console_enabled: !!n.console_enabled };
  if (open && !node.console_enabled) {
    // The stream's ended event says why; nothing more to draw until it comes.
  }
  render();
}

/** The node page closes. */
export function leave() {
  detach('detached');
  node = null;
  message = '';
  const section = $('node-console');
  if (section) section.hidden = true;
}

addEventListener('pagehide', () => detach('detached'));
