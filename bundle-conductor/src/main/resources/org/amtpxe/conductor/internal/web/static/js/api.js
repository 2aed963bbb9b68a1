// Calls to the conductor's API (/v1, same origin) with the page's session: the cookie goes by
// itself, every write carries the session's CSRF token.

export const API_VERSION = '1.78';

let session = null;

/** The session: user, roles, CSRF token; null when the page must log in. */
export async function loadSession() {
  const r = await fetch('/ui/session', { credentials: 'same-origin', cache: 'no-store' });
  if (r.status === 401) return null;
  if (!r.ok) throw new Error(`The conductor answered ${r.status} for /ui/session.`);
  session = await r.json();
  return session;
}

export function currentSession() {
  return session;
}

/** Whether the user may operate nodes (Ironic's member role or admin). */
export function mayOperate() {
  return !!session && session.roles.some((r) => r === 'member' || r === 'admin');
}

/** An API error with the conductor's own explanation. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The text of Ironic's error body (a JSON fault inside error_message). */
function faultText(status, text) {
  try {
    const outer = JSON.parse(text);
    const inner = JSON.parse(outer.error_message);
    return inner.faultstring || inner.description || text;
  } catch (e) {
    return text || `HTTP ${status}`;
  }
}

/** Calls the API; resolves with the JSON body (or null), rejects with an ApiError. */
export async function api(method, path, body) {
  const headers = { 'X-OpenStack-Ironic-API-Version': API_VERSION, Accept: 'application/json' };
  if (method !== 'GET' && session && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  if (r.status === 401) {
    location.assign('/ui/login?error=expired');
    throw new ApiError(401, 'Your session ended.');
  }
  const text = await r.text();
  if (!r.ok) throw new ApiError(r.status, `${method} ${path}: ${r.status} ${faultText(r.status, text)}`);
  return text ? JSON.parse(text) : null;
}

/** Follows an API "next" link (absolute, with the API's base URL) on this origin. */
export function sameOriginPath(link) {
  const u = new URL(link, location.href);
  return u.pathname + u.search;
}

export async function logout() {
  await fetch('/ui/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: session && session.csrf ? { 'X-CSRF-Token': session.csrf } : {},
  });
  location.assign('/ui/login');
}
