// The page's one event stream (/ui/events, server-sent events): node summaries as they change.
// EventSource reconnects by itself and sends the id of the last event it saw; the server answers
// with what was missed, or "resync" when it no longer has it.

const listeners = { node: [], 'node-deleted': [], hello: [], resync: [], state: [] };

export function on(type, fn) {
  listeners[type].push(fn);
}

function emit(type, data) {
  for (const fn of listeners[type]) fn(data);
}

let source = null;

export function connect() {
  if (source) return;
  source = new EventSource('/ui/events');
  source.addEventListener('open', () => emit('state', 'live'));
  source.addEventListener('error', () => emit('state', source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
  for (const type of ['node', 'node-deleted', 'hello', 'resync']) {
    source.addEventListener(type, (e) => emit(type, JSON.parse(e.data)));
  }
}
