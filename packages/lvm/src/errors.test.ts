import { describe, expect, it } from 'vitest';
import { loadFixture } from '../test/support/fixtures.js';
import { classifyLvmFailure, meaningfulStderr, type LvmErrorCode } from './errors.js';

const failures = loadFixture('errors').recordings.filter((r) => r.result.exitCode !== 0);

function failureOf(...words: string[]) {
  const match = failures.find((r) => words.every((w) => r.argv.includes(w)));
  if (!match) throw new Error(`no failing recording with ${words.join(' ')}`);
  return match;
}

describe('classifyLvmFailure on real lvm 2.03 failures', () => {
  it.each<{ name: string; words: string[]; want: LvmErrorCode }>([
    { name: 'vgcreate of an existing VG name', words: ['vgcreate', 'fixvg'], want: 'ALREADY_EXISTS' },
    { name: 'lvcreate of an existing LV name', words: ['lvcreate', 'taken'], want: 'ALREADY_EXISTS' },
    { name: 'lvcreate larger than the VG', words: ['lvcreate', 'huge'], want: 'INSUFFICIENT_SPACE' },
    { name: 'lvcreate in a missing VG', words: ['lvcreate', 'novg'], want: 'VG_NOT_FOUND' },
    { name: 'lvremove of a missing LV', words: ['lvremove', 'fixvg/missing'], want: 'LV_NOT_FOUND' },
    { name: 'lvs of a missing LV', words: ['lvs', 'fixvg/missing'], want: 'LV_NOT_FOUND' },
    { name: 'a snapshot of a missing origin', words: ['--snapshot', 'fixvg/no-such-origin'], want: 'LV_NOT_FOUND' },
    { name: 'pvcreate on a PV of another VG', words: ['pvcreate'], want: 'DEVICE_IN_OTHER_VG' },
    { name: 'vgcreate with a PV of another VG', words: ['vgcreate', 'othervg'], want: 'DEVICE_IN_OTHER_VG' },
    { name: 'pvcreate on a missing device', words: ['pvcreate', '/dev/openlocal-no-such-device'], want: 'DEVICE_NOT_FOUND' },
    { name: 'lvcreate without device-mapper', words: ['lvcreate', 'needsdm'], want: 'NO_DEVICE_MAPPER' },
  ])('$name is $want', ({ words, want }) => {
    const recording = failureOf(...words);
    const error = classifyLvmFailure(recording.argv, recording.result);
    expect(error.code).toBe(want);
    expect(error.argv).toEqual(recording.argv);
    expect(error.exitCode).toBe(recording.result.exitCode);
  });

  it('pvcreate over an ext4 signature is DEVICE_HAS_FILESYSTEM (lvm answered "n" to wiping)', () => {
    const recording = failures.find((r) => r.argv[1] === 'pvcreate' && r.result.stderr.includes('signature'));
    expect(recording).toBeDefined();
    expect(classifyLvmFailure(recording!.argv, recording!.result).code).toBe('DEVICE_HAS_FILESYSTEM');
  });

  it('an unknown failure is COMMAND_FAILED and keeps the first meaningful line', () => {
    const error = classifyLvmFailure(['lvm', 'vgs'], { exitCode: 5, stderr: '  File descriptor 3 leaked\n  something odd happened\n' });
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain('something odd happened');
  });
});

describe('meaningfulStderr', () => {
  it('drops device-mapper noise when a real reason follows', () => {
    const failure = failureOf('lvcreate', 'novg');
    expect(meaningfulStderr(failure.result.stderr)).not.toContain('Activation disabled');
    expect(meaningfulStderr(failure.result.stderr)).toContain('Volume group "novg" not found');
  });
});
