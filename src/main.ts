import { launchProxy } from './server/launch.js';

// `nest start` / `node dist/main.js`: the standalone proxy, configured from HARP_* and HARP_CONFIG;
// with `workers` above 1, the primary of that many (src/server/workers.ts).
await launchProxy();
