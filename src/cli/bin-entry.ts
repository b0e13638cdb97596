import { growthLeftToUs } from '../server/heap-sizing.js';
import { keepOldGenerationHeadroom } from '../server/old-generation.js';
import { runCli } from './main.js';

const argv = process.argv.slice(2);
// An agent relays bodies as the proxy does, and its full collections cost it the same way
// (server/old-generation.ts); `harp serve` sizes its own heap when it launches the proxy.
if ((argv[0] === 'http' || argv[0] === 'start') && growthLeftToUs()) keepOldGenerationHeadroom();

// The process edge of `harp` (bin/harp.js loads the compiled copy of this file): real streams
// and environment in, the exit status out. `harp http` installs its own SIGINT/SIGTERM handling;
// `harp serve` leaves signals to Nest's shutdown hooks.
runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`harp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
