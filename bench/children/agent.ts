// The agent: connect() from the product, relaying everything (host `*`, path `/`) to the upstream.
// Started by bench/run.ts with fork() under tsx; reports readiness over IPC.
import { connect } from '../../src/agent/connect.js';
import { growthLeftToUs } from '../../src/server/heap-sizing.js';
import { keepOldGenerationHeadroom } from '../../src/server/old-generation.js';

const { HARP_BENCH_SERVER: server, HARP_BENCH_KEY: key, HARP_BENCH_UPSTREAM: upstream } = process.env;
if (!server || !key || !upstream) throw new Error('HARP_BENCH_SERVER, HARP_BENCH_KEY and HARP_BENCH_UPSTREAM are required');

// As `harp http` does (src/cli/bin-entry.ts): the agent measured is the agent shipped.
if (growthLeftToUs()) keepOldGenerationHeadroom();
const agent = await connect({ server, key, upstream, name: 'bench', routes: [{ host: '*', path: '/' }] });
agent.on('disconnected', (info) => process.send?.({ type: 'disconnected', ...info }));
process.send?.({ type: 'ready' });

process.on('disconnect', () => process.exit(0)); // the parent is gone
// A normal exit on SIGTERM, so that a CPU profile (BENCH_PROFILE) gets written.
process.on('SIGTERM', () => process.exit(0));
