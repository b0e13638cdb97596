import 'reflect-metadata';
import { runProxy } from './server/run-proxy.js';

// `nest start` / `node dist/main.js`: the standalone proxy, configured from HARP_* and HARP_CONFIG.
await runProxy();
