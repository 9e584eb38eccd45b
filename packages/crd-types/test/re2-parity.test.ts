// Parity with the real thing: the same listConfig patterns and names through Go's regexp (the engine Open-Local
// uses, run as a tiny Go program) and through compileGoRegexp + isWholeMatch. Skips, saying why, without `go`.
import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileGoRegexp, isWholeMatch } from '../src/index.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const oracle = join(here, 're2', 'main.go');
// The repo's shared Go build cache (scripts/build-tools uses it too); the oracle is standard library only.
const goCache = join(here, '..', '..', '..', '.cache', 'go', 'cache');

interface Probe {
  pattern: string;
  candidates: string[];
}
interface Verdict {
  error?: string;
  matches: boolean[];
}

const NAMES = ['vg', 'vg1', 'vg12', 'VG1', 'paas', 'paas1', 'paas01', 'share', 'ab', 'a', 'a.b', 'a+b', '/dev/vdb', '/dev/vdb1', '/dev/nvme0n1', '/mnt/open-local/disk-1', 'pool-42', 'pool-:d', 'héllo', 'αβ', 'a b', 'a\tb', 'a\vb', ']a]', 'x-y', 'open-local-pool-0'];

// Patterns as users write them, plus every construct where JS and RE2 could disagree.
const PATTERNS = [
  'paas[0-9]*', 'paas[0-1]+', 'share', 'vg[0-9]+', '/dev/vd[a-d]+', '/dev/vd[a-z]+[0-9]*', '/dev/nvme[0-9]+n[0-9]+',
  '/mnt/open-local/disk-[0-9]+', 'open-local-pool-[0-9]+', '.*', '.+', '', 'a|ab', 'ab|a', '(a|ab)(c|bcd)?', 'vg.*?', 'vg[0-9]??',
  '(?i)vg[0-9]', '(?i)VG1', '(?s)a.b', '(?m)^vg$', '(?P<n>pool)-[0-9]+', '(?:vg|pool)-?[0-9]*', '\\Avg[0-9]\\z', '^vg1$',
  'pool-[[:digit:]]+', '[[:alpha:]]+', '[[:alnum:]-]+', '[]a]+', '[^/]+', '\\pL+', '\\p{Greek}+', '\\PL+', 'a\\sb', 'a[\\s]b',
  '\\Qa.b\\E', '\\Qa+b', '\\x{61}b', '\\x61b', 'a\\.b', 'x\\-y', '[a-c]{1,2}', 'a{2}', 'a{,2}', '(a)(b)?',
  'vg(', '[a-', '*vg', 'a(?=b)', '(a)\\1', 'a\\e', 'a\\Z', '(?U)a+', 'a(?i)b', '[[:nope:]]', 'a**', 'x{2,1}',
  // Flags anywhere, scoped flags, ungreedy, negated flags, and what Go refuses around them.
  'a(?i)B', '(?i:A)b', '(?i)a(?-i)B', '(?U)vg[0-9]+', '(?U)vg[0-9]+?', '(?)vg', '(?-)vg', '(?i-)vg', '(?x)vg', '(?P=n)', '(?P<>a)', '(?<n>vg)[0-9]',
  '(?P<a-b>x)', '(?i)(?P<n>VG)1', '(?ms)a.$', '(?s:.)+', '(?m)^a$\\n', 'a$\\n?',
  // Escapes: octal, hex, punctuation, Unicode names Go resolves loosely, things Go refuses.
  '\\101', '\\0', '\\12', '\\1a', '\\8', '\\x4', '\\x{}', '\\x{110000}', '\\_', '\\ ', '\\é', '\\C', '[\\b]', '[\\A]', '[\\Q]',
  '\\pl+', '\\p{greek}+', '\\p{Letter}+', '\\p{LC}+', '\\p{Any}+', '\\p{^L}+', '\\P{^L}+', '\\p{Klingon}', '\\p', '\\p{L', '\\pLu',
  // Classes: POSIX negation, ranges, '-' placement, brackets, what Go refuses.
  '[[:^alpha:]]+', '[^[:alpha:]]+', '[a-]+', '[-a]+', '[a-b-]+', '[z-a]', '[]', '[^]a]+', '[[:alpha:]', '[[:alpha]x:]]', '[\\d-z]', '[a-\\d]',
  '[\\W]+', '[^\\W]+', '(?i)[^k]', '(?i)[^\\W]+', '(?i)\\W+', '[\\x{61}-\\x{63}]+', '[\\]a]+', '[ -~]+',
  // Repetition: counts, laziness, nesting, empty loops, limits.
  'a{0}b', 'a{01}', 'a{1,}', 'a{2,}b', 'a{,}', 'a{1001}', 'a{1000}', '(a{100}){10}', '(a{100}){11}', 'a*?*', 'a+?b', '(a*)*', '(a*)+b', '(|a)*', '(|a)+',
  '(a|)*', '(?:a?)*', '^*a', '(?:)*', '()+', 'x*y*z*', '(ab|a)(bc|c)?', '(a|ab)(c|bcd)(d*)', '(a+|b+)*c', '\\b', 'a\\Bb', 'vg\\b',
];

// Catastrophic for a backtracking engine (exponential or high-polynomial on a long non-matching name).
const EVIL = ['(a+)+$', '(a|aa)*b', '(a*)*b', '(a|a)*c', '(x+x+)+y', '(a+)+b', '^(a?){30}a{30}$', '(.*a){12}', '(?:a*)*!', '(\\w+\\s?)*$', '([a-z]+)*[0-9]'];

const FUZZ_NAMES = ['a', 'b', 'A', 'ab', 'ba', 'aa', 'aab', 'abab', 'bbb', 'a\nb', 'aA', 'abc', 'a-b', 'ca', 'aaaa', 'abba', 'B', 'a b', 'bA'];
const FUZZ_TOKENS = ['a', 'b', 'A', '.', '(', ')', '|', '*', '+', '?', '*?', '{2}', '{1,2}', '[ab]', '[^a]', '^', '$', '\\b', '(?i)', '(?:', '\\w', 'c', '-', '(?U)', '(?s)', '(?m)'];

function randomPatterns(count: number, seed: number): string[] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(8) }, () => FUZZ_TOKENS[next(FUZZ_TOKENS.length)]).join(''));
}

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

function askGo(probes: Probe[]): Promise<Verdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['run', oracle], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: goCache } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Verdict[]) : reject(new Error(`go run exited ${String(code)}: ${stderr}`))));
    child.stdin.end(JSON.stringify(probes));
  });
}

function ours(probe: Probe): Verdict {
  try {
    const re = compileGoRegexp(probe.pattern, 'test');
    return { matches: probe.candidates.map((c) => isWholeMatch(re, c)) };
  } catch (error) {
    return { error: (error as Error).message, matches: [] };
  }
}

const goAvailable = await hasGo();

const title = goAvailable ? 'listConfig patterns agree with Go regexp' : 'listConfig patterns agree with Go regexp (SKIPPED: no `go` on PATH to run the oracle)';
describe.skipIf(!goAvailable)(title, () => {
  it('keeps exactly the names Go keeps, and refuses what Go refuses', async () => {
    const probes = PATTERNS.map((pattern) => ({ pattern, candidates: NAMES }));
    const go = await askGo(probes);
    const disagreements: string[] = [];
    const refusedOnlyByUs: string[] = [];
    probes.forEach((probe, i) => {
      const want = go[i];
      const got = ours(probe);
      if (want === undefined) throw new Error(`no Go verdict for ${probe.pattern}`);
      if (want.error !== undefined && got.error === undefined) disagreements.push(`${probe.pattern}: Go refuses (${want.error}), we accept`);
      if (want.error === undefined && got.error !== undefined) refusedOnlyByUs.push(probe.pattern);
      if (want.error === undefined && got.error === undefined) {
        probe.candidates.forEach((name, j) => {
          if (want.matches[j] !== got.matches[j]) disagreements.push(`${probe.pattern} on ${JSON.stringify(name)}: Go ${String(want.matches[j])}, we ${String(got.matches[j])}`);
        });
      }
    });
    expect(disagreements).toEqual([]);
    // What Go accepts but JS cannot express; documented in the README and refused with a clear error.
    expect(refusedOnlyByUs).toEqual([]);
  }, 120_000);

  it('agrees with Go on patterns that make a backtracking engine take exponential time, on long names', async () => {
    const long = (n: number): string[] => ['a'.repeat(n), `${'a'.repeat(n)}!`, `${'a'.repeat(n)}b`, `${'x'.repeat(n)}y`, `${'ab'.repeat(n / 2)}c`];
    const names = [...long(30), ...long(253), ...long(4096)];
    const probes = EVIL.map((pattern) => ({ pattern, candidates: names }));
    const go = await askGo(probes);
    const disagreements = probes.flatMap((probe, i) => {
      const got = ours(probe);
      return probe.candidates.filter((_, j) => go[i]?.matches[j] !== got.matches[j]).map((name) => `${probe.pattern} on ${name.slice(0, 12)}…(${name.length})`);
    });
    expect(disagreements).toEqual([]);
  }, 120_000);

  it('agrees with Go on 600 random patterns over a small alphabet (a differential fuzz with a fixed seed)', async () => {
    const probes = randomPatterns(Number(process.env['FUZZ_N'] ?? 600), Number(process.env['FUZZ_SEED'] ?? 20260312)).map((pattern) => ({ pattern, candidates: FUZZ_NAMES }));
    const go = await askGo(probes);
    const disagreements: string[] = [];
    probes.forEach((probe, i) => {
      const want = go[i];
      const got = ours(probe);
      if ((want?.error === undefined) !== (got.error === undefined)) disagreements.push(`${probe.pattern}: Go ${want?.error ?? 'compiles'}, we ${got.error ?? 'compile'}`);
      else if (got.error === undefined) {
        probe.candidates.forEach((name, j) => {
          if (want?.matches[j] !== got.matches[j]) disagreements.push(`${probe.pattern} on ${JSON.stringify(name)}: Go ${String(want?.matches[j])}, we ${String(got.matches[j])}`);
        });
      }
    });
    const compiled = go.filter((v) => v.error === undefined);
    const kept = compiled.reduce((sum, v) => sum + v.matches.filter(Boolean).length, 0);
    console.log(`[re2-parity] fuzz: ${probes.length} patterns, ${compiled.length} compile in Go, ${kept} of ${compiled.length * FUZZ_NAMES.length} (pattern, name) pairs kept`);
    expect(disagreements).toEqual([]);
  }, 120_000);
});
