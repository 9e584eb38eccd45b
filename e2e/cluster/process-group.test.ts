// Real child processes (this Node binary): the group must stop exactly what it started, escalate to SIGKILL
// when SIGTERM is ignored, and keep each child's output in its log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroup } from './process-group.js';

const dirs: string[] = [];
function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openlocal-pg-'));
  dirs.push(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process, which is what a stopped child looks like.
    return false;
  }
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ProcessGroup', () => {
  it('logs output with the argv header and stops a child with SIGTERM', async () => {
    const group = new ProcessGroup(logDir());
    const child = await group.start({
      name: 'talker',
      command: process.execPath,
      args: ['-e', 'console.log("hello from child"); setInterval(() => {}, 1000)'],
    });
    await new Promise((resolveWait) => setTimeout(resolveWait, 300));
    expect(isAlive(child.pid)).toBe(true);
    await group.stopAll();
    expect(child.exitInfo()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isAlive(child.pid)).toBe(false);
    const log = readFileSync(child.logPath, 'utf8');
    expect(log).toMatch(/^# .* argv: \[".*node","-e",/);
    expect(log).toContain('hello from child');
    expect(group.unexpectedExits()).toEqual([]);
  });

  it('escalates to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const group = new ProcessGroup(logDir());
    const child = await group.start({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("ready"); setInterval(() => {}, 1000)'],
      stopGraceMs: 300,
    });
    // Wait for the child's own "ready" line (its SIGTERM handler is installed by then; the log header quotes the
    // argv, so match a whole line); a fixed delay is not enough on a loaded machine.
    for (let waited = 0; !/^ready$/m.test(child.tailLog()) && waited < 20_000; waited += 50) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    const exit = await child.stop();
    expect(exit.signal).toBe('SIGKILL');
    expect(child.tailLog()).toMatch(/^ignoring SIGTERM$/m);
  });

  it('reports a child that ended on its own, with its exit code and log', async () => {
    const group = new ProcessGroup(logDir());
    const child = await group.start({ name: 'quitter', command: process.execPath, args: ['-e', 'process.exit(3)'] });
    await child.exited;
    expect(group.unexpectedExits()).toEqual([`quitter (pid ${child.pid}) ended with exit code 3; log ${child.logPath}`]);
    await group.stopAll();
  });

  it.each([
    { name: 'a missing binary', spec: { name: 'ghost', command: '/nonexistent/binary', args: [] }, message: 'cannot start ghost (/nonexistent/binary)' },
    { name: 'a name with a slash', spec: { name: '../escape', command: process.execPath, args: [] }, message: 'process name must match' },
  ])('refuses $name', async ({ spec, message }) => {
    const group = new ProcessGroup(logDir());
    await expect(group.start(spec)).rejects.toThrow(message);
    expect(group.list()).toEqual([]);
  });
});
