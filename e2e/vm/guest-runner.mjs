// Runs inside the guest (plain JavaScript: the host's node runs it straight from the read-only checkout). Reads
// the job the host wrote on the share ({ argv, env, cwd }), runs argv without a shell with the console as its
// output (piped), and exits with its exit code (128 + signal number when it was killed), which /init records.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

const jobPath = process.argv[2];
const uptime = () => readFileSync('/proc/uptime', 'utf8').split(' ')[0];

function readJob(path) {
  const job = JSON.parse(readFileSync(path, 'utf8'));
  const isStrings = (list) => Array.isArray(list) && list.length > 0 && list.every((s) => typeof s === 'string');
  if (!isStrings(job.argv)) throw new Error(`job.argv must be a non-empty array of strings, got ${JSON.stringify(job.argv)}`);
  if (typeof job.cwd !== 'string') throw new Error(`job.cwd must be a string, got ${JSON.stringify(job.cwd)}`);
  return job;
}

try {
  const job = readJob(jobPath);
  process.stdout.write(`openlocal-guest: ready after ${uptime()} s of guest uptime, running ${JSON.stringify(job.argv)}\n`);
  const [program, ...args] = job.argv;
  // Piped, not inherited: on the serial console tty, vitest would draw its interactive (redrawing) output.
  const child = spawn(program, args, { cwd: job.cwd, env: { ...process.env, ...job.env }, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stdout);
  child.on('error', (error) => {
    process.stdout.write(`openlocal-guest: cannot start ${program}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('close', (code, signal) => {
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
} catch (error) {
  process.stdout.write(`openlocal-guest: bad job ${jobPath}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(126);
}
