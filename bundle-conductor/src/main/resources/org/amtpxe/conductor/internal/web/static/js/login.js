// The login page: shows why the last attempt failed (the server redirects here with ?error=).
const reasons = {
  failed: 'Wrong user name or password.',
  throttled: 'Too many failed logins from this address; wait and retry.',
  insecure: 'This conductor serves plain HTTP on a network address: a password would cross the network in clear. Use https:// (api_tls_keystore) or log in on the conductor\'s machine through 127.0.0.1.',
  expired: 'Your session ended; log in again.',
};
const params = new URLSearchParams(location.search);
const error = params.get('error');
if (error && reasons[error]) {
  const box = document.getElementById('login-error');
  let text = reasons[error];
  const wait = params.get('wait');
  if (error === 'throttled' && wait && /^\d+$/.test(wait)) text += ` (${wait} s)`;
  box.textContent = text;
  box.hidden = false;
}
document.getElementById('user').focus();
