// Prints how many names per second the listConfig matcher (RE2 syntax, Pike VM, linear time) decides, for
// patterns users write and for patterns that make a backtracking engine explode, on short and long names; and,
// for comparison, V8's own backtracking RegExp on the same work. Not an assertion.
// Run: npx tsx packages/crd-types/bench/listconfig-match.bench.ts [--seconds 1]
import { performance } from 'node:perf_hooks';
import { compileGoRegexp, isWholeMatch } from '../src/index.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 1) || 1;

interface Case {
  kind: 'normal' | 'pathological';
  pattern: string;
  names: string[];
}

const deviceNames = Array.from({ length: 64 }, (_, i) => `/dev/vd${String.fromCharCode(97 + (i % 26))}${i % 3 === 0 ? i : ''}`);
const vgNames = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? `open-local-pool-${i}` : `ola-${i}`));
const evil = (n: number, tail: string): string[] => [`${'a'.repeat(n)}${tail}`];

const CASES: Case[] = [
  { kind: 'normal', pattern: '/dev/vd[a-z]+[0-9]*', names: deviceNames },
  { kind: 'normal', pattern: 'open-local-pool-[0-9]+', names: vgNames },
  { kind: 'normal', pattern: '(?i)OLA-[[:digit:]]+|open-local-.*', names: vgNames },
  { kind: 'pathological', pattern: '(a+)+$', names: evil(253, '!') },
  { kind: 'pathological', pattern: '(a|aa)*b', names: evil(253, 'c') },
  { kind: 'pathological', pattern: '(.*a){12}', names: evil(253, '!') },
  { kind: 'pathological', pattern: '(a+)+$', names: evil(4096, '!') },
];

// Decides names for about `seconds`; returns names per second.
function rate(decide: (name: string) => boolean, names: string[]): number {
  let decided = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (const name of names) decide(name);
    decided += names.length;
  }
  return decided / ((performance.now() - start) / 1000);
}

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

console.log(`listConfig matching, ${seconds} s per cell, node ${process.version}`);
console.log(['kind', 'pattern', 'name length', 'RE2 matcher names/s', 'µs/name'].join(' | '));
for (const c of CASES) {
  const re = compileGoRegexp(c.pattern, 'bench');
  const perSecond = rate((name) => isWholeMatch(re, name), c.names);
  const length = Math.max(...c.names.map((n) => n.length));
  console.log([c.kind, c.pattern, length, fmt(perSecond), (1e6 / perSecond).toFixed(2)].join(' | '));
}

// V8's backtracking engine: fast on normal patterns, exponential on the pathological ones (one name each).
console.log('\nV8 RegExp for comparison (^(?:re)$ on the same names):');
for (const c of CASES.filter((k) => k.kind === 'normal')) {
  const re = new RegExp(`^(?:${c.pattern.replace('(?i)', '').replace('[[:digit:]]', '[0-9]')})$`, c.pattern.startsWith('(?i)') ? 'i' : '');
  console.log(`normal | ${c.pattern} | ${fmt(rate((name) => re.test(name), c.names))} names/s`);
}
for (const n of [20, 22, 24, 26]) {
  const start = performance.now();
  /^(?:(a+)+$)/.test(`${'a'.repeat(n)}!`);
  console.log(`pathological | (a+)+$ | name length ${n + 1} | one name took ${(performance.now() - start).toFixed(1)} ms (doubles per character)`);
}
