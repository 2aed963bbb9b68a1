// The page: session, the one event stream, and the two views (fleet, node) by the address's hash.
import { loadSession, logout } from './api.js';
import * as stream from './stream.js';
import * as fleet from './fleet.js';
import * as node from './node.js';

function showError(message) {
  const box = document.getElementById('error');
  box.textContent = message;
  box.hidden = !message;
}

function route() {
  const m = location.hash.match(/^#\/node\/(.+)$/);
  document.getElementById('fleet').hidden = !!m;
  document.getElementById('node').hidden = !m;
  showError('');
  if (m) {
    node.show(decodeURIComponent(m[1]));
  } else {
    node.hide();
    document.title = 'amtpxe fleet';
    fleet.shown();
  }
}

async function main() {
  fleet.init();
  const live = document.getElementById('live');
  stream.on('state', (s) => { live.textContent = s; live.className = `live ${s}`; });
  stream.on('node', (n) => { fleet.nodeChanged(n); node.nodeChanged(n); });
  stream.on('node-deleted', (d) => { fleet.nodeDeleted(d); node.nodeDeleted(d); });
  stream.on('refused', (message) => showError(`No live updates: ${message}`));
  stream.on('resync', () => { fleet.clear(); fleet.load().catch((e) => showError(e.message)); });
  // A refused stream (the caps) sends no hello: the list loads at once, without live updates.
  const hello = new Promise((resolve) => {
    stream.on('hello', resolve);
    stream.on('refused', resolve);
    setTimeout(resolve, 3000);
  });
  // The stream opens while the session is read: two round trips at once rather than one after the
  // other (docs/web-ui.md#first-load). Without a session the stream gets 401, EventSource gives up
  // (it retries only a stream that was open) and the page goes to the login form.
  stream.connect();
  const session = await loadSession();
  performance.mark('fleet-session');
  if (!session) {
    location.assign('/ui/login');
    return;
  }
  document.getElementById('conductor').textContent = `conductor ${session.conductor}`;
  if (session.authenticated) {
    document.getElementById('who').textContent = `${session.user} (${session.roles.join(', ') || 'no role'})`;
    const b = document.getElementById('logout');
    b.hidden = false;
    b.addEventListener('click', logout);
  } else {
    document.getElementById('who').textContent = 'loopback, no login (admin)';
  }
  document.body.dataset.roles = session.roles.join(' ');
  window.addEventListener('hashchange', route);
  route();
  // The stream first, then the list: a change made while the list loads is not lost.
  await hello;
  performance.mark('fleet-hello');
  await fleet.load();
}

main().catch((e) => showError(e.message));
