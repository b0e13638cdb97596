// `node --import ./test/helpers/swc-register.js src/main.ts`: runs HARP's TypeScript as Jest
// does, through @swc/core with decorator metadata (Nest's injection reads it; tsx's esbuild
// emits none), so a test can run the proxy as a child process without a build.
import { register } from 'node:module';

register('./swc-hooks.js', import.meta.url);
