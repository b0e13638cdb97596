// The list of recorded requests, its filters, the detail pane and replay.

import { api, ApiError, apiFetch, AuthRequired, query } from './api.js';
import { bytes, clock, DASH, h, ms, replaceChildren, statusClass } from './dom.js';

/** Rows kept in the list; older ones fall off the end. */
const MAX_ROWS = 200;

export class Inspector {
  /** Summaries shown, newest first. */
  #entries = [];
  #filter = {};
  /** Live events that arrive while the list is being fetched, applied after it. */
  #buffered = null;
  #reloads = 0;
  #selected = null;
  #bodies = true;
  /**
   * The newest exchange id the last reload counted (numeric): live events of exchanges up to
   * it, still on their way when the list came, are already in `held`.
   */
  #loadedUpTo = 0;
  /** The list's `held` and `capacity`, kept up to date as live events add exchanges. */
  #held = { held: 0, capacity: 0 };
  /** Requests the live stream left out since the last reload (it samples above 200 a second). */
  #skipped = 0;
  #onError;

  constructor({ onError }) {
    this.#onError = onError;
    const form = document.getElementById('filters');
    let debounce;
    form.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => this.setFilter(Object.fromEntries(new FormData(form))), 250);
    });
    form.addEventListener('submit', (event) => event.preventDefault());
    const body = document.getElementById('exchanges-body');
    body.addEventListener('click', (event) => this.#rowEvent(event));
    body.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') this.#rowEvent(event);
    });
    document.getElementById('replay-button').addEventListener('click', () => void this.replay());
    document.getElementById('detail-close').addEventListener('click', () => this.close());
    document.getElementById('har-button').addEventListener('click', () => void this.downloadHar());
  }

  setFilter(filter) {
    const path = filter.pathPrefix?.trim() || undefined;
    this.#filter = {
      host: filter.host?.trim() || undefined,
      // The API wants a path; `v1` is taken to mean `/v1`.
      pathPrefix: path === undefined || path.startsWith('/') ? path : `/${path}`,
      status: filter.status || undefined,
    };
    void this.reload();
  }

  /** Fetches the list for the current filter; live events that arrive meanwhile are kept. */
  async reload() {
    const reload = ++this.#reloads;
    this.#buffered ??= [];
    try {
      const list = await api(`/inspector/requests${query({ ...this.#filter, limit: MAX_ROWS })}`);
      if (reload !== this.#reloads) return; // a newer filter won
      const buffered = this.#buffered;
      this.#buffered = null;
      this.#bodies = list.bodies;
      this.#entries = list.entries.slice(0, MAX_ROWS);
      for (const summary of buffered.reverse()) this.#insert(summary);
      this.#held = { held: list.held, capacity: list.capacity };
      this.#loadedUpTo = list.newestId === null ? 0 : Number(list.newestId);
      this.#skipped = 0;
      this.#render();
    } catch (error) {
      if (reload === this.#reloads) this.#buffered = null;
      if (!(error instanceof AuthRequired)) this.#onError(`requests: ${error.message}`);
    }
  }

  /** A finished exchange from the live stream (or a replay), shown if it passes the filter. */
  add(summary, { force = false } = {}) {
    const counted = Number(summary.id) <= this.#loadedUpTo;
    if (!counted && !this.#entries.some((e) => e.id === summary.id)) {
      this.#held.held = Math.min(this.#held.held + 1, this.#held.capacity);
    }
    if (!force && !matches(this.#filter, summary)) {
      this.#renderHeld();
      return;
    }
    if (this.#buffered !== null) this.#buffered.unshift(summary);
    if (this.#insert(summary)) this.#render();
  }

  /**
   * The live stream left `count` requests out (heavy traffic is sampled, and a slow reader
   * loses events): they are held by the proxy, just not listed until the next reload.
   */
  dropped(count, upTo) {
    // Drops the last reload already counted (their report was still on its way) change nothing.
    if (upTo !== null && upTo !== undefined && Number(upTo) <= this.#loadedUpTo) return;
    this.#skipped += count;
    this.#held.held = Math.min(this.#held.held + count, this.#held.capacity);
    this.#renderHeld();
  }

  #insert(summary) {
    const at = this.#entries.findIndex((e) => e.id === summary.id);
    if (at !== -1) {
      this.#entries[at] = summary;
      return true;
    }
    this.#entries.unshift(summary);
    if (this.#entries.length > MAX_ROWS) this.#entries.length = MAX_ROWS;
    return true;
  }

  #render() {
    const rows = this.#entries.map((e) => this.#row(e));
    replaceChildren(document.getElementById('exchanges-body'), rows);
    document.getElementById('exchanges-empty').hidden = rows.length > 0;
    this.#renderHeld();
  }

  #renderHeld() {
    const { held, capacity } = this.#held;
    document.getElementById('inspector-held').textContent =
      `${held} of at most ${capacity} held` +
      (this.#bodies ? '' : ' · bodies not recorded') +
      (this.#skipped > 0 ? ` · ${this.#skipped} not listed live (change a filter to reload)` : '');
  }

  #row(e) {
    const selected = e.id === this.#selected;
    return h(
      'tr',
      {
        tabIndex: 0,
        className: selected ? 'selected' : '',
        dataset: {
          testid: 'exchange-row',
          id: e.id,
          status: String(e.status),
          replay: e.replayOf === null ? undefined : 'true',
        },
        'aria-selected': String(selected),
      },
      h('td', { className: 'mono' }, clock(e.startedAt)),
      h('td', { className: 'mono' }, e.method),
      h(
        'td',
        { className: 'mono target', title: `${e.host ?? ''}${e.target}` },
        e.replayOf === null ? null : h('span', { className: 'badge', title: `replay of ${e.replayOf}` }, 'replay'),
        h('span', { className: 'muted' }, e.host ?? ''),
        e.target,
      ),
      h(
        'td',
        { className: `num status ${statusClass(e.status)}`, title: e.errorCode ?? '' },
        e.status === 0 ? DASH : String(e.status),
        e.complete ? null : h('span', { className: 'badge bad', title: 'not delivered whole' }, '!'),
      ),
      h('td', { className: 'num' }, ms(e.timings.totalMs)),
      h('td', { className: e.cache === 'hit' ? 'nowrap hit' : 'nowrap muted' }, e.cache ?? ''),
    );
  }

  #rowEvent(event) {
    const row = event.target.closest('tr[data-id]');
    if (row === null) return;
    event.preventDefault();
    void this.select(row.dataset.id);
  }

  /** Opens the detail pane on one exchange. */
  async select(id) {
    this.#selected = id;
    this.#render();
    const pane = document.getElementById('detail');
    pane.hidden = false;
    pane.dataset.id = id;
    this.#message('');
    try {
      const detail = await api(`/inspector/requests/${encodeURIComponent(id)}`);
      if (this.#selected !== id) return;
      renderDetail(detail, this.#bodies);
      pane.dataset.loaded = id;
    } catch (error) {
      if (this.#selected !== id || error instanceof AuthRequired) return;
      replaceChildren(document.getElementById('detail-body'));
      document.getElementById('detail-title').textContent = id;
      const gone = error instanceof ApiError && error.status === 404;
      this.#message(gone ? 'This request is no longer held.' : error.message);
    }
  }

  close() {
    this.#selected = null;
    document.getElementById('detail').hidden = true;
    this.#render();
  }

  /** Sends the selected request again; the new exchange is added and selected. */
  async replay() {
    const id = this.#selected;
    if (id === null) return;
    const button = document.getElementById('replay-button');
    button.disabled = true;
    try {
      const summary = await api(`/inspector/requests/${encodeURIComponent(id)}/replay`, { method: 'POST' });
      this.add(summary, { force: true });
      await this.select(summary.id);
      this.#message(`Replayed: ${summary.method} answered ${summary.status === 0 ? 'nothing' : summary.status}.`);
    } catch (error) {
      if (!(error instanceof AuthRequired)) this.#message(`Replay failed: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  }

  /** Downloads the held requests as HAR (a fetch, because a link cannot carry the token). */
  async downloadHar() {
    try {
      const res = await apiFetch('/inspector/requests.har');
      if (!res.ok) throw new ApiError(res.status, `the HAR export answered ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const link = h('a', { href: url, download: `harp-${new Date().toISOString().replace(/[:.]/g, '-')}.har` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      if (!(error instanceof AuthRequired)) this.#onError(`HAR: ${error.message}`);
    }
  }

  #message(text) {
    const el = document.getElementById('detail-message');
    el.textContent = text;
    el.hidden = text === '';
  }
}

/** Whether a summary passes the filter the way the API applies it. */
function matches(filter, e) {
  if (filter.host !== undefined && hostname(e.host ?? '') !== hostname(filter.host)) return false;
  if (filter.pathPrefix !== undefined && !e.target.split('?')[0].startsWith(filter.pathPrefix)) return false;
  if (filter.status !== undefined) {
    const cls = e.status === 0 ? 'none' : `${Math.floor(e.status / 100)}xx`;
    if (cls !== filter.status) return false;
  }
  return true;
}

/** A host without its port, lowercased (`[::1]:8080` → `[::1]`). */
function hostname(host) {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

function renderDetail(d, bodiesRecorded) {
  document.getElementById('detail-title').textContent = `${d.method} ${d.host ?? ''}${d.target}`;
  const t = d.timings;
  const facts = [
    ['status', `${d.status === 0 ? 'none sent' : d.status}${d.response.statusText ? ` ${d.response.statusText}` : ''}`],
    ['error code', d.errorCode],
    ['started', new Date(d.startedAt).toLocaleString()],
    ['timings', `queue ${ms(t.queueMs)} · backend ${ms(t.backendMs)} · total ${ms(t.totalMs)}`],
    ['route', d.route === null ? null : `${d.route.host} ${d.route.path}`],
    ['agent', d.agentId],
    ['cache', d.cache],
    ['bytes', `${bytes(d.bytesIn)} in · ${bytes(d.bytesOut)} out`],
    ['complete', d.complete ? 'yes' : 'no: not delivered whole'],
    ['replay of', d.replayOf],
    ['request id', d.requestId],
    ['exchange id', d.id],
  ].filter(([, value]) => value !== null && value !== undefined);
  replaceChildren(
    document.getElementById('detail-body'),
    h(
      'dl',
      { className: 'facts', dataset: { testid: 'detail-facts' } },
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h('h4', {}, `Request · HTTP/${d.request.httpVersion}`),
    headersTable(d.request.headers, 'request-headers'),
    bodyView(d.request.body, bodiesRecorded, 'request-body'),
    h('h4', {}, d.response.httpVersion === null ? 'Response · none sent' : `Response · HTTP/${d.response.httpVersion}`),
    headersTable(d.response.headers, 'response-headers'),
    bodyView(d.response.body, bodiesRecorded, 'response-body'),
  );
}

function headersTable(fields, testid) {
  if (fields.length === 0) return h('p', { className: 'muted' }, 'no headers');
  return h(
    'table',
    { className: 'headers', dataset: { testid } },
    h('tbody', {}, fields.map((f) => h('tr', {}, h('th', {}, f.name), h('td', { className: 'mono' }, f.value)))),
  );
}

function bodyView(body, recorded, testid) {
  if (body === null) {
    return h('p', { className: 'muted', dataset: { testid } }, recorded ? 'no body' : 'body not recorded');
  }
  const binary = body.encoding === 'base64' ? ' · binary, shown as base64' : '';
  const note = body.truncated ? ` · first ${bytes(byteLength(body))} shown` : '';
  return h(
    'div',
    { className: 'body', dataset: { testid } },
    h('p', { className: 'muted' }, `${bytes(body.size)}${binary}${note}`),
    h('pre', {}, body.text),
  );
}

function byteLength(body) {
  if (body.encoding === 'utf8') return new TextEncoder().encode(body.text).length;
  return Math.floor((body.text.replace(/=+$/, '').length * 3) / 4);
}
