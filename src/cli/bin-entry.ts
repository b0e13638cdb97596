import { runCli } from './main.js';

// The process edge of `harp` (bin/harp.js loads the compiled copy of this file): real streams
// and environment in, the exit status out. `harp http` installs its own SIGINT/SIGTERM handling;
// `harp serve` leaves signals to Nest's shutdown hooks.
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`harp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
