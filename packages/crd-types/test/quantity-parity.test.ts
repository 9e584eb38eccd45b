// Parity with the real parsers: the same size strings through Kubernetes' resource.ParseQuantity and docker/go-units
// v0.4.0 RAMInBytes (Open-Local v0.7.1's parser), run as a small Go program, and through ours. Skips, saying why,
// without `go`. Modules come from the Go module proxy into the repo's shared .cache/go (pinned by go.sum).
import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseLegacySizeBytes, parseQuantityBytes, parseQuantityValueBytes } from '../src/index.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const oracleDir = join(here, 'quantity-oracle');
const goCache = join(here, '..', '..', '..', '.cache', 'go');

interface Verdict {
  k8sError?: string;
  k8sBytes: number;
  k8sIsWhole: boolean;
  unitsError?: string;
  unitsBytes: number;
}

const INPUTS = [
  '0', '1', '42', '1024', '1073741824', '9007199254740991', '9007199254740992', '1k', '1Ki', '4Ki', '1M', '1Mi', '1G', '1Gi',
  '100G', '100Gi', '1T', '1Ti', '1P', '1Pi', '7Pi', '8Pi', '1E', '1Ei', '0.5Ki', '.5Ki', '1.5Gi', '1.5G', '1.25M', '5.',
  '1e3', '1E3', '2e9', '1e-3', '2000e-3', '1500e-3', '+1Mi', '-1', '-0', '-1Gi', '100m', '1000m', '0.5', '1.5', '0.0001k',
  '', 'Gi', 'abc', '1GiKi', '1 Gi', '10g', '100GB', '100gb', '100GiB', '100gib', '100MB', '512mb', '2K', '2KB', '100b',
  '100B', '1.5g', '100mi', '100MI', '100i', '1KiB', '3tb', '1pb', '1e99999', '1e40',
];

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

function askOracle(inputs: string[]): Promise<Verdict[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, GOMODCACHE: join(goCache, 'mod'), GOCACHE: join(goCache, 'cache'), GOFLAGS: '-mod=readonly' };
    const child = spawn('go', ['run', '.'], { cwd: oracleDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Verdict[]) : reject(new Error(`go run exited ${String(code)}: ${stderr}`))));
    child.stdin.end(JSON.stringify(inputs));
  });
}

function attempt(parse: (value: string) => number, value: string): number | 'error' {
  try {
    return parse(value);
  } catch {
    return 'error';
  }
}

// What Kubernetes' parser says a byte parser must return: the bytes when whole, non-negative and exact in JS.
function k8sBytes(v: Verdict): number | 'error' {
  if (v.k8sError !== undefined || !v.k8sIsWhole || v.k8sBytes < 0 || v.k8sBytes > Number.MAX_SAFE_INTEGER) return 'error';
  return v.k8sBytes;
}

const goAvailable = await hasGo();
const title = goAvailable ? 'sizes agree with Kubernetes and go-units' : 'sizes agree with Kubernetes and go-units (SKIPPED: no `go` on PATH to run the oracle)';

describe.skipIf(!goAvailable)(title, () => {
  it('parseQuantityBytes accepts what resource.ParseQuantity accepts as whole bytes, with the same value', async () => {
    const verdicts = await askOracle(INPUTS);
    const differences = INPUTS.flatMap((input, i) => {
      const want = k8sBytes(verdicts[i] as Verdict);
      const got = attempt(parseQuantityBytes, input);
      return got === want ? [] : [`${JSON.stringify(input)}: Kubernetes ${String(want)}, ours ${String(got)}`];
    });
    // Deliberate: milli is refused for bytes even when whole ("1000m" is 1 byte to Kubernetes, a typo to a user),
    // and a suffix without a number is refused (Kubernetes reads "Gi" as 0).
    expect(differences).toEqual(['"1000m": Kubernetes 1, ours error', '"Gi": Kubernetes 0, ours error']);
  }, 180_000);

  it('parseQuantityValueBytes is resource.ParseQuantity + Value() (rounded up) wherever that is a non-negative safe byte count', async () => {
    const verdicts = await askOracle(INPUTS);
    const differences = INPUTS.flatMap((input, i) => {
      const v = verdicts[i] as Verdict;
      const want = v.k8sError !== undefined || v.k8sBytes < 0 || v.k8sBytes > Number.MAX_SAFE_INTEGER ? 'error' : v.k8sBytes;
      const got = attempt(parseQuantityValueBytes, input);
      return got === want ? [] : [`${JSON.stringify(input)}: Kubernetes ${String(want)}, ours ${String(got)}`];
    });
    // Deliberate: a suffix without a number is refused (Kubernetes reads "Gi" as 0), and so is a size beyond int64,
    // which Value() cannot hold and reports as 0; "-0" is 0 in both.
    expect(differences).toEqual(['"Gi": Kubernetes 0, ours error', '"1e99999": Kubernetes 0, ours error', '"1e40": Kubernetes 0, ours error']);
  }, 180_000);

  it('parseLegacySizeBytes follows Kubernetes where it parses, else go-units v0.4.0 (binary)', async () => {
    const verdicts = await askOracle(INPUTS);
    const differences = INPUTS.flatMap((input, i) => {
      const v = verdicts[i] as Verdict;
      const want = k8sBytes(v) !== 'error' ? k8sBytes(v) : v.unitsError === undefined && v.k8sError !== undefined ? v.unitsBytes : 'error';
      const got = attempt(parseLegacySizeBytes, input);
      return got === want ? [] : [`${JSON.stringify(input)}: expected ${String(want)}, ours ${String(got)}`];
    });
    // The same two deliberate refusals as above; every go-units spelling agrees.
    expect(differences).toEqual(['"1000m": expected 1, ours error', '"Gi": expected 0, ours error']);
  }, 180_000);
});
