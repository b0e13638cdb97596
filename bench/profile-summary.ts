// Summarises a .cpuprofile written under BENCH_PROFILE: self time by stage, file and function.
//
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--all] [--us-per-request 160]
//
// Start-up (boot, and the agent's TypeScript compile under tsx) is left out: samples before the
// first second of idle, which comes while the bench checks routing and runs the direct target;
// --all keeps it. --us-per-request: the process's CPU per request from the bench, to turn the
// shares into a per-stage budget in µs.
import { readFileSync } from 'node:fs';
import { groupBy, selfTimes, startupEndUs, type CpuProfile } from './cpu-profile.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const WITH_VALUE = new Set(['--top', '--us-per-request']);
const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !WITH_VALUE.has(args[i - 1] ?? ''));
if (!file) {
  console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--all] [--us-per-request US]');
  process.exit(2);
}
const top = Number(option('--top') ?? 25);
const usPerRequest = option('--us-per-request') ? Number(option('--us-per-request')) : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const skip = process.argv.includes('--all') ? 0 : startupEndUs(profile);
const times = selfTimes(profile, skip);
const total = times.reduce((n, s) => n + s.us, 0);

const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)} %`;
const msCol = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const budget = (share: number): string => (usPerRequest === undefined ? '' : `${(share * usPerRequest).toFixed(1).padStart(8)} µs/req`);

console.log(`${file}\nbusy ${(total / 1e6).toFixed(2)} s of CPU${skip ? `, after skipping the first ${(skip / 1e6).toFixed(1)} s (start-up)` : ''}\n`);
console.log('by stage:');
for (const g of groupBy(times, (s) => s.stage)) console.log(`  ${g.name.padEnd(40)} ${msCol(g.us)} ${pct(g.share)} ${budget(g.share)}`);
console.log('\nby file:');
for (const g of groupBy(times, (s) => s.file || `(native) ${s.functionName}`).slice(0, top)) console.log(`  ${g.name.padEnd(60)} ${msCol(g.us)} ${pct(g.share)}`);
console.log('\nby function:');
for (const g of groupBy(times, (s) => `${s.functionName}  ${s.file ? `${s.file}:${s.line}` : ''}`).slice(0, top)) {
  console.log(`  ${g.name.padEnd(80)} ${msCol(g.us)} ${pct(g.share)}`);
}
