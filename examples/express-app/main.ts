// An Express application served through HARP from inside its own process: the agent calls the
// app's request handler directly, so no port is opened and nothing inbound reaches this machine.
import express from 'express';
import { connect } from 'harp-proxy/agent';

const app = express();
app.get('/', (_req, res) => void res.send('hello from an Express app behind HARP\n'));
app.get('/time', (_req, res) => void res.json({ now: new Date().toISOString() }));

const agent = await connect({
  server: process.env.PROXY_URL ?? 'ws://127.0.0.1:8080',
  key: process.env.HARP_KEY ?? '',
  handler: app,
});
console.log(`serving through ${agent.servers.join(', ')}`);

// The proxy stops sending new requests, those in flight finish, then the tunnel closes.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void agent.close().then(() => process.exit(0)));
}
