// The page's one event stream (/ui/events, server-sent events): node summaries as they change.
// EventSource reconnects by itself and sends the id of the last event it saw; the server answers
// with what was missed, or "resync" when it no longer has it.

const listeners = { node: [], 'node-deleted': [], hello: [], resync: [], state: [], refused: [] };

export function on(type, fn) {
  listeners[type].push(fn);
}

function emit(type, data) {
  for (const fn of listeners[type]) fn(data);
}

let source = null;

// NOTE: a page kept in the back/forward cache would keep its stream open, and a browser opens at
// most 6 HTTP/1.1 connections to one host: a few navigations away and back would leave the next
// page's requests queued behind idle streams. The stream closes when the page is hidden and
// reopens, with a reload of the nodes, when it is shown again.
window.addEventListener('pagehide', () => {
  if (source) source.close();
  source = null;
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted && !source) {
    connect();
    emit('resync', {});
  }
});

export function connect() {
  if (source) return;
  source = new EventSource('/ui/events');
  source.addEventListener('open', () => emit('state', 'live'));
  source.addEventListener('error', () => emit('state', source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
  for (const type of ['node', 'node-deleted', 'hello', 'resync']) {
    source.addEventListener(type, (e) => emit(type, JSON.parse(e.data)));
  }
  // Too many streams open (other tabs): no retry; the page says why.
  source.addEventListener('refused', (e) => {
    source.close();
    emit('state', 'closed');
    emit('refused', JSON.parse(e.data));
  });
}
