// A temporary service: a demo page under a generated name of the proxy's public domain, for a
// limited time. Share the printed URL; when the time is up the proxy ends the route, requests in
// flight finish, and this process exits with status 0. Run it again within the name's hold and
// with the same token to get the same URL (see `harp http --reuse-url`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'harp-proxy/agent';

const started = new Date();

function demo(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`a temporary service, up since ${started.toISOString()}; you asked for ${req.url}\n`);
}

const agent = await connect({
  server: process.env.PROXY_URL ?? 'ws://127.0.0.1:8080',
  key: process.env.HARP_KEY ?? '',
  handler: demo,
  // `random` draws a readable, unguessable name such as brave-otter-7f3kq2; a name of your own
  // (`demo`) works too when no other key holds it.
  routes: [{ subdomain: process.env.SUBDOMAIN ?? 'random', ttl: process.env.TTL ?? '30m' }],
});
for (const url of agent.publicUrls) console.log(`temporary service at ${url} for ${process.env.TTL ?? '30m'}`);

agent.on('expired', ({ allExpired }) => {
  if (!allExpired) return;
  console.log('its time is up: the proxy ended the route');
  void agent.close().then(() => process.exit(0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void agent.close().then(() => process.exit(0)));
}
