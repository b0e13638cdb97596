// The HARP dashboard: wires the admin API, the live event stream and the views together.
// Plain ES modules served by HARP itself; no framework, no build step.

import { api, ApiError, AuthRequired, forgetToken, onAuthRequired, setToken, token } from './api.js';
import { ClusterView } from './cluster.js';
import { Inspector } from './inspector.js';
import { LiveStream } from './live.js';
import { Overview } from './overview.js';

/** While the event stream is down: how often the stats, routes and request list are polled. */
const POLL_MS = 2000;
/** Agent figures (RTT, totals) and cache counters are not in the stream: how often to fetch. */
const REFRESH_MS = 5000;
/** Other nodes' changes are not in this node's stream: how often the cluster view is fetched. */
const CLUSTER_MS = 2000;

const overview = new Overview();
const cluster = new ClusterView();
const inspector = new Inspector({ onError: notice });
const live = new LiveStream({ onEvent, onState });

let running = false;
let pollTimer = null;
let refreshTimer = null;
let clusterTimer = null;
let statsMissing = false;

function onEvent(type, data) {
  switch (type) {
    case 'stats':
      overview.stats(data);
      break;
    case 'exchange':
      inspector.add(data);
      refreshAgentsSoon();
      break;
    case 'agent.connected':
    case 'agent.disconnected':
      void refreshAgents().then(refreshRoutes);
      if (cluster.on) void refreshCluster();
      break;
    case 'routes.changed':
      void refreshRoutes();
      if (cluster.on) void refreshCluster();
      break;
    case 'dropped':
      inspector.dropped(data.count, data.upTo);
      break;
    default:
    // an event this page does not know yet
  }
}

function onState(state) {
  overview.live(state);
  if (state.state === 'open') {
    stopPolling();
    // What finished before the stream was subscribed (at start, or while it was down) will
    // not come as events: fetch the list again; events arriving meanwhile are merged into it.
    void inspector.reload();
  } else if (state.state === 'down') {
    startPolling();
  }
}

function startPolling() {
  if (pollTimer !== null || !running) return;
  const poll = () => void Promise.all([refreshStats(), refreshRoutes(), inspector.reload()]);
  poll();
  pollTimer = setInterval(poll, POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

async function refreshStats() {
  if (statsMissing) return;
  try {
    overview.stats(await api('/stats'));
  } catch (error) {
    // A proxy without the stats endpoint still has agents, routes and cache counters to show.
    if (error instanceof ApiError && error.status === 404) {
      statsMissing = true;
      overview.noStats();
    } else failed('stats', error);
  }
}

async function refreshAgents() {
  try {
    overview.agents(await api('/agents'), { drain, disconnect });
  } catch (error) {
    failed('agents', error);
  }
}

/** Traffic changes the agents' figures: fetch them again, at most once a second. */
let agentsSoon = null;
function refreshAgentsSoon() {
  agentsSoon ??= setTimeout(() => {
    agentsSoon = null;
    if (running) void refreshAgents();
  }, 1000);
}

async function refreshRoutes() {
  try {
    overview.routes(await api('/routes'));
  } catch (error) {
    failed('routes', error);
  }
}

/** The cluster view; outside cluster mode it is hidden and not fetched again. */
async function refreshCluster() {
  try {
    cluster.render(await api('/nodes'));
  } catch (error) {
    // A proxy without the node list has no cluster to show.
    if (error instanceof ApiError && error.status === 404) cluster.hide();
    else failed('nodes', error);
  }
  if (!cluster.on) {
    clearInterval(clusterTimer);
    clusterTimer = null;
  }
}

async function refreshCache() {
  try {
    overview.cache(await api('/cache'));
  } catch (error) {
    failed('cache', error);
  }
}

async function drain(agent) {
  if (!confirm(`Drain ${agent.name ?? agent.id}? It gets no new requests and closes when idle.`)) return;
  try {
    await api(`/agents/${agent.id}/drain`, { method: 'POST' });
  } catch (error) {
    failed('drain', error);
  }
  await refreshAgents();
}

async function disconnect(agent) {
  if (!confirm(`Disconnect ${agent.name ?? agent.id} now? Its requests in flight fail with 502.`)) return;
  try {
    await api(`/agents/${agent.id}`, { method: 'DELETE' });
  } catch (error) {
    failed('disconnect', error);
  }
  await Promise.all([refreshAgents(), refreshRoutes()]);
}

function failed(what, error) {
  if (!(error instanceof AuthRequired)) notice(`${what}: ${error.message}`);
}

let noticeTimer;
function notice(text) {
  const el = document.getElementById('notice');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (el.hidden = true), 8000);
}

async function start() {
  running = true;
  document.body.dataset.auth = 'ok';
  document.getElementById('token-form').hidden = true;
  document.getElementById('forget-token').hidden = token() === null;
  await Promise.all([refreshStats(), refreshAgents(), refreshRoutes(), refreshCache(), refreshCluster(), inspector.reload()]);
  if (!running) return; // a 401 on the way stopped everything
  live.start();
  refreshTimer = setInterval(() => void Promise.all([refreshAgents(), refreshCache()]), REFRESH_MS);
  if (cluster.on) clusterTimer = setInterval(() => void refreshCluster(), CLUSTER_MS);
}

function stop() {
  running = false;
  live.stop();
  stopPolling();
  clearInterval(refreshTimer);
  refreshTimer = null;
  clearInterval(clusterTimer);
  clusterTimer = null;
}

onAuthRequired(() => {
  if (!running && document.body.dataset.auth === 'required') return;
  const hadToken = token() !== null;
  stop();
  overview.live({ state: 'auth' });
  document.body.dataset.auth = 'required';
  const message = document.getElementById('token-message');
  message.textContent = hadToken ? 'That token was not accepted.' : '';
  message.hidden = !hadToken;
  document.getElementById('token-form').hidden = false;
  document.getElementById('token-input').focus();
});

document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token-input');
  const value = input.value.trim();
  if (value === '') return;
  setToken(value);
  input.value = '';
  void start();
});

document.getElementById('forget-token').addEventListener('click', () => {
  forgetToken();
  stop();
  void start();
});

void start();
