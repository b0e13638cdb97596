import { readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';

// Suites that measure this process's memory (they import the memory probe) run first, so that
// each starts in a fresh worker. A worker that has already run dozens of suites holds hundreds
// of MiB of their module registries, and every forced collection the probe makes then costs
// seconds instead of tens of milliseconds: a 200 MiB transfer took 95 s instead of 7.
const measuresMemory = (test) => readFileSync(test.path, 'utf8').includes('/memory-probe.js');

export default class MemoryFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter(measuresMemory), ...sorted.filter((test) => !measuresMemory(test))];
  }
}
