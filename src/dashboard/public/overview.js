// The header counts, the cards, and the agents and routes tables.

import { bytes, count, DASH, h, ms, percent, rate, replaceChildren, setText, uptime } from './dom.js';
import { Sparkline } from './sparkline.js';

export class Overview {
  #sparkline = new Sparkline(document.getElementById('sparkline'));
  #agentNames = new Map();
  /** The last route table, drawn again when the agents' names arrive after it. */
  #routes = null;
  #haveStats = false;
  #cacheCounts = null;
  #cacheStore = null;

  /** A `StatsView` (from the `stats` event or `GET /stats`). */
  stats(s) {
    this.#haveStats = true;
    setText('uptime', uptime(s.uptimeSeconds));
    setText('agent-count', count(s.agents));
    setText('route-count', count(s.routes));
    setText('rps', rate(s.recent.requestsPerSecond));
    setText('rps-sub', `${count(s.totals.requests)} since start · ${bytes(s.totals.bytesOut)} out`);
    setText('eps', rate(s.recent.errorsPerSecond));
    document.getElementById('eps').classList.toggle('bad', s.recent.errorsPerSecond > 0);
    setText('eps-sub', `${count(s.totals.errors)} since start`);
    setText('p50', ms(s.recent.p50Ms));
    setText('p99', ms(s.recent.p99Ms));
    setText('latency-sub', `requests finished in the last ${s.recent.windowSeconds} s`);
    setText('hit-ratio', percent(s.cache.hitRatio));
    this.#cacheCounts = s.cache;
    this.#renderCacheSub();
    const at = Date.parse(s.at);
    this.#sparkline.push(Number.isNaN(at) ? Date.now() : at, s.recent.requestsPerSecond);
  }

  /** A `CacheStats` from `GET /cache`: the details under the hit ratio. */
  cache(c) {
    if (!this.#haveStats) {
      setText('hit-ratio', percent(c.hitRatio));
      this.#cacheCounts = c;
    }
    this.#cacheStore = c;
    this.#renderCacheSub();
    document.getElementById('hit-ratio').classList.toggle('bad', !c.healthy);
  }

  // Hits and misses from the freshest source (the stats, every second); the store's figures
  // from GET /cache, which the stats do not carry.
  #renderCacheSub() {
    const parts = [];
    const counts = this.#cacheCounts;
    if (counts !== null) parts.push(`${count(counts.hits)} hits · ${count(counts.misses)} misses`);
    const c = this.#cacheStore;
    if (c !== null) {
      if (c.entries !== null) parts.push(`${count(c.entries)} entries, ${bytes(c.bytes)}`);
      parts.push(c.backend + (c.enabled ? '' : ' (off)') + (c.healthy ? '' : ' (failing)'));
    }
    setText('cache-sub', parts.join(' · '));
  }

  /** The agent list (`Agent[]`); `actions` has `drain(agent)` and `disconnect(agent)`. */
  agents(list, actions) {
    const names = new Map(list.map((a) => [a.id, a.name ?? a.id]));
    const renamed = [...names].some(([id, name]) => this.#agentNames.get(id) !== name);
    this.#agentNames = names;
    // A route's pool names its agents: the routes drawn before this list showed their ids.
    if (renamed && this.#routes) this.routes(this.#routes);
    if (!this.#haveStats) setText('agent-count', count(list.length));
    const rows = list.map((a) =>
      h(
        'tr',
        { dataset: { testid: 'agent-row', id: a.id, state: a.state } },
        h('td', { dataset: { testid: 'agent-name' } }, a.name ?? h('span', { className: 'muted' }, 'unnamed')),
        h('td', { className: 'mono' }, a.id),
        h('td', { className: 'mono' }, a.remoteAddress),
        h(
          'td',
          {},
          a.routes.map((r) =>
            h('div', { className: 'mono nowrap' }, `${r.host} ${r.path} `, r.health.state === 'healthy' ? null : healthBadge(r.health)),
          ),
        ),
        h('td', {}, h('span', { className: `state state-${a.state}` }, a.state)),
        h('td', { className: 'num', dataset: { testid: 'agent-weight' } }, String(a.weight)),
        h('td', { className: 'num' }, ms(a.rttMs)),
        h('td', { className: 'num' }, count(a.inFlightStreams)),
        h('td', { className: 'num' }, count(a.totals.requests)),
        h('td', { className: a.totals.errors > 0 ? 'num bad' : 'num' }, count(a.totals.errors)),
        h('td', { className: 'num' }, `${bytes(a.totals.bytesIn)} / ${bytes(a.totals.bytesOut)}`),
        h('td', { className: 'num' }, `${ms(a.latencyMs.p50)} / ${ms(a.latencyMs.p99)}`),
        h(
          'td',
          { className: 'actions' },
          h('button', {
            type: 'button',
            className: 'quiet',
            textContent: 'Drain',
            disabled: a.state !== 'active',
            title: 'Send it no new requests; it closes once the ones in flight finish',
            onclick: () => actions.drain(a),
          }),
          h('button', {
            type: 'button',
            className: 'quiet danger',
            textContent: 'Disconnect',
            title: 'Close the connection now; requests in flight fail with 502',
            onclick: () => actions.disconnect(a),
          }),
        ),
      ),
    );
    replaceChildren(document.getElementById('agents-body'), rows);
    document.getElementById('agents-empty').hidden = list.length > 0;
  }

  /** The route table (`Route[]`), in match order. */
  routes(list) {
    this.#routes = list;
    if (!this.#haveStats) setText('route-count', count(list.length));
    const rows = list.map((r) =>
      h(
        'tr',
        { dataset: { testid: 'route-row' } },
        h('td', { className: 'mono' }, r.host),
        h('td', { className: 'mono' }, r.path),
        h('td', {}, r.hostKind),
        h('td', { className: 'mono' }, r.ownerKeyId),
        h(
          'td',
          {},
          r.graceUntil === null ? [] : [graceNote(r)],
          r.members.map((m) =>
            h(
              'div',
              { className: 'nowrap', title: m.id, dataset: { testid: 'route-member', id: m.id, health: m.health.state } },
              this.#agentNames.get(m.id) ?? m.id,
              h('span', { className: 'muted', title: 'weight · requests in flight' }, ` ×${m.weight} · ${count(m.inFlight)} in flight `),
              healthBadge(m.health),
            ),
          ),
        ),
        h('td', { dataset: { testid: 'route-balancing' } }, balancingText(r)),
        h(
          'td',
          {},
          r.cache.enabled
            ? `on${r.cache.defaultTtlSeconds === null ? '' : `, default ${r.cache.defaultTtlSeconds} s`}`
            : h('span', { className: 'muted' }, 'off'),
        ),
      ),
    );
    replaceChildren(document.getElementById('routes-body'), rows);
    document.getElementById('routes-empty').hidden = list.length > 0;
  }

  /** Shows the state of the live stream in the header. */
  live({ state, retryInMs }) {
    const el = document.getElementById('live-status');
    el.dataset.state = state;
    el.textContent =
      state === 'open'
        ? 'live'
        : state === 'connecting'
          ? 'connecting…'
          : state === 'auth'
            ? 'token needed'
            : `polling · retry in ${Math.round((retryInMs ?? 0) / 1000)} s`;
  }

  /** Clears the figures that only the stats give, when there are none. */
  noStats() {
    for (const id of ['rps', 'eps', 'p50', 'p99', 'uptime']) setText(id, DASH);
  }
}

/** A route without an agent, kept for its owner: until when, and how many requests wait for it. */
function graceNote(route) {
  const until = new Date(route.graceUntil).toLocaleTimeString();
  return h(
    'div',
    { className: 'nowrap muted', dataset: { testid: 'route-grace' } },
    `no agent · held for its owner until ${until} · ${count(route.heldRequests)} waiting`,
  );
}

/** `least-requests · sticky cookie sid`: the route's mode and, if any, where its sticky value is read. */
function balancingText(route) {
  if (!route.sticky) return route.balancing;
  const [kind, name] = route.sticky.header !== undefined ? ['header', route.sticky.header] : ['cookie', route.sticky.cookie];
  return `${route.balancing} · sticky ${kind} ${name}`;
}

/** A member's passive health: `healthy`, or `ejected until 14:02:07` / `half-open` (awaiting its trial). */
function healthBadge(health) {
  const until = health.ejectedUntil === null ? '' : ` until ${new Date(health.ejectedUntil).toLocaleTimeString()}`;
  const text = health.state === 'ejected' ? `ejected${until}` : health.state;
  const title =
    health.state === 'healthy'
      ? `${health.consecutiveFailures} consecutive failures`
      : health.state === 'ejected'
        ? 'passed over after consecutive upstream failures; one trial request follows the backoff'
        : 'the backoff passed: one trial request decides whether it is back';
  return h('span', { className: `state health-${health.state}`, title }, text);
}
