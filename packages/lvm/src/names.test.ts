import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { validateDevicePath, validateLvName, validateSizeBytes, validateTag, validateVgName } from './names.js';

describe('validateVgName', () => {
  it.each([
    { name: 'letters, digits and + _ . -', input: 'open-local-pool_0.a+b' },
    { name: 'a single letter', input: 'a' },
    { name: 'a leading dot in a longer name', input: '.hidden' },
  ])('accepts $name', ({ input }) => {
    expect(validateVgName(input)).toBe(input);
  });

  it.each([
    { name: 'empty', input: '' },
    { name: 'a space', input: 'my vg' },
    { name: 'a semicolon', input: 'vg;reboot' },
    { name: 'a dollar', input: '$(id)' },
    { name: '..', input: '..' },
    { name: '.', input: '.' },
    { name: 'a leading dash', input: '-vg' },
    { name: 'a slash', input: 'a/b' },
    { name: '128 characters', input: 'a'.repeat(128) },
    { name: 'not a string', input: 42 },
  ])('refuses $name with a typed error naming the field and value', ({ input }) => {
    let error: unknown;
    try {
      validateVgName(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_NAME', field: 'vgName', value: input });
    expect((error as Error).message).toContain(JSON.stringify(input));
  });
});

describe('validateLvName', () => {
  it.each([
    { name: 'snapshot prefix', input: 'snapshot1' },
    { name: 'pvmove prefix', input: 'pvmove0' },
    { name: 'thin metadata suffix', input: 'pool_tmeta' },
    { name: 'raid image part', input: 'x_rimage_0' },
  ])('refuses names lvm reserves: $name', ({ input }) => {
    expect(() => validateLvName(input)).toThrow(InvalidArgumentError);
  });

  it('accepts Open-Local volume names', () => {
    expect(validateLvName('local-4c4a1f2e-8d3b-4b4e-9f7a-3c2d1e0f9a8b')).toMatch(/^local-/);
    expect(validateLvName('csi-0123abcd')).toBe('csi-0123abcd');
  });
});

describe('validateDevicePath, validateTag, validateSizeBytes', () => {
  it.each([
    { name: 'a disk', input: '/dev/sdb', ok: true },
    { name: 'a by-id link', input: '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', ok: true },
    { name: 'outside /dev', input: '/etc/passwd', ok: false },
    { name: 'a .. escape', input: '/dev/../etc', ok: false },
    { name: 'a space', input: '/dev/sd b', ok: false },
    { name: 'relative', input: 'sdb', ok: false },
  ])('device $name', ({ input, ok }) => {
    if (ok) expect(validateDevicePath(input)).toBe(input);
    else expect(() => validateDevicePath(input)).toThrow(InvalidArgumentError);
  });

  it.each([
    { name: 'key=value', input: 'pvc.ns=default', ok: true },
    { name: 'a space', input: 'a b', ok: false },
    { name: 'a leading dash', input: '-x', ok: false },
  ])('tag $name', ({ input, ok }) => {
    if (ok) expect(validateTag(input)).toBe(input);
    else expect(() => validateTag(input)).toThrow(InvalidArgumentError);
  });

  it.each([
    { name: 'zero', input: 0 },
    { name: 'negative', input: -1 },
    { name: 'fractional', input: 0.5 },
    { name: 'NaN', input: Number.NaN },
    { name: 'past 2^53', input: 2 ** 53 + 2 },
    { name: 'a string', input: '1Gi' },
  ])('size $name is INVALID_SIZE', ({ input }) => {
    expect(() => validateSizeBytes(input)).toThrow(expect.objectContaining({ code: 'INVALID_SIZE', field: 'sizeBytes' }));
  });
});
