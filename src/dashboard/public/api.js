// Calls to the admin API, with the admin token when one has been given.

const BASE = '/_harp/api';
const TOKEN_KEY = 'harp.adminToken';

/** The API answered 401: a token is configured and ours is missing or wrong. */
export class AuthRequired extends Error {
  constructor() {
    super('the admin API wants a token');
    this.name = 'AuthRequired';
  }
}

/** Any other answer that is not a success, with the API's own message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const authListeners = new Set();

/** Called whenever a call is answered 401. */
export function onAuthRequired(listener) {
  authListeners.add(listener);
}

/**
 * The token lives in session storage: it survives a reload but not the tab, and is never
 * written anywhere the server or another site could read it.
 */
export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A raw `fetch` of `/_harp/api<path>` with the token; throws {@link AuthRequired} on 401. */
export async function apiFetch(path, init = {}) {
  const headers = new Headers(init.headers);
  const t = token();
  if (t) headers.set('Authorization', `Bearer ${t}`);
  const res = await fetch(`${BASE}${path}`, { ...init, headers, cache: 'no-store', credentials: 'omit' });
  if (res.status === 401) {
    for (const listener of authListeners) listener();
    throw new AuthRequired();
  }
  return res;
}

/** A JSON call: the parsed body, `undefined` for 204, {@link ApiError} for other failures. */
export async function api(path, { method = 'GET', signal } = {}) {
  const res = await apiFetch(path, { method, signal, headers: { Accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, await messageOf(res));
  if (res.status === 204) return undefined;
  return res.json();
}

/** `?a=1&b=2` from the defined, non-empty values of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  }
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

async function messageOf(res) {
  try {
    const body = await res.json();
    const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // not JSON: fall through to the status line
  }
  return `${res.status} ${res.statusText}`.trim();
}
