import { describe, expect, it } from 'vitest';
import type { ExecResult, Executor } from './executor.js';
import { commandName, observeExecutor, type CommandRecord } from './observed-executor.js';

describe('commandName', () => {
  it.each([
    { name: 'an lvm subcommand keeps its operation', input: ['lvm', 'lvcreate', '-n', 'x'], want: 'lvm lvcreate' },
    { name: 'a full path is reduced to the program', input: ['/usr/sbin/mkfs.ext4', '-F', '/dev/vg/lv'], want: 'mkfs.ext4' },
    { name: 'an nsenter prefix is skipped', input: ['nsenter', '--target=1', '--mount', '--', 'lvm', 'vgs'], want: 'lvm vgs' },
    { name: 'lvm with an option first is just lvm', input: ['lvm', '--version'], want: 'lvm' },
    { name: 'an empty argv is unknown', input: [], want: 'unknown' },
  ])('$name', ({ input, want }) => {
    expect(commandName(input)).toBe(want);
  });
});

describe('observeExecutor', () => {
  const clockAt = (times: number[]): (() => number) => () => times.shift() ?? 0;

  it.each([
    { name: 'exit 0 is ok', exitCode: 0, want: 'ok' },
    { name: 'a non-zero exit is reported and still returned', exitCode: 5, want: 'exit-nonzero' },
  ])('$name', async ({ exitCode, want }) => {
    const result: ExecResult = { stdout: 'x', stderr: '', exitCode };
    const inner: Executor = { run: () => Promise.resolve(result) };
    const records: CommandRecord[] = [];
    const executor = observeExecutor(inner, { observe: (r) => records.push(r), now: clockAt([1000, 1250]) });
    await expect(executor.run(['lvm', 'lvs'])).resolves.toBe(result);
    expect(records).toEqual([{ command: 'lvm lvs', durationSeconds: 0.25, outcome: want }]);
  });

  it('reports a command that could not run and rethrows its error', async () => {
    const failure = new Error('cannot run lvm');
    const inner: Executor = { run: () => Promise.reject(failure) };
    const records: CommandRecord[] = [];
    const executor = observeExecutor(inner, { observe: (r) => records.push(r), now: clockAt([0, 30]) });
    await expect(executor.run(['lvm', 'vgcreate', 'vg'])).rejects.toBe(failure);
    expect(records).toEqual([{ command: 'lvm vgcreate', durationSeconds: 0.03, outcome: 'not-run' }]);
  });
});
