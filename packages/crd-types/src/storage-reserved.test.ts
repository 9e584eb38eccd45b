// The csi.aliyun.com/storage-reserved annotation: parsing, per-VG errors, and the corrected allocatable cap.
import { describe, expect, it } from 'vitest';
import { InvalidQuantityError, InvalidReservationError } from './errors.js';
import { allocatableWithReserve, applyReserved, parseReservation, parseStorageReserved, reservedBytes } from './storage-reserved.js';

const GI = 1024 ** 3;

describe('parseReservation', () => {
  it.each([
    { name: 'binary size', value: '100Gi', want: { kind: 'bytes', bytes: 100 * GI } },
    { name: 'decimal size', value: '100G', want: { kind: 'bytes', bytes: 100e9 } },
    { name: 'go-units legacy size', value: '100GB', want: { kind: 'bytes', bytes: 100 * GI } },
    { name: 'whole percentage', value: '10%', want: { kind: 'percent', percent: 10, text: '10' } },
    { name: 'fractional percentage', value: '12.5%', want: { kind: 'percent', percent: 12.5, text: '12.5' } },
    { name: 'zero percent', value: '0%', want: { kind: 'percent', percent: 0, text: '0' } },
  ])('$name', ({ value, want }) => {
    expect(parseReservation('vg0', value)).toEqual(want);
  });

  it.each([
    { name: 'percentage above 100', value: '150%' },
    { name: 'negative percentage', value: '-5%' },
    { name: 'size with milli', value: '100m' },
    { name: 'number instead of string', value: 100 },
    { name: 'null', value: null },
    { name: 'garbage text', value: 'lots' },
  ])('rejects $name naming the VG and the value', ({ value }) => {
    let caught: unknown;
    try {
      parseReservation('vg0', value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidReservationError);
    expect(caught).toMatchObject({ code: 'INVALID_RESERVATION', vgName: 'vg0', value });
    expect((caught as Error).message).toContain('"vg0"');
  });
});

describe('parseStorageReserved', () => {
  it('parses every valid entry', () => {
    const reserve = parseStorageReserved('{"pool-a":"100Gi","pool-b":"10%"}');
    expect([...reserve.byVg.entries()]).toEqual([
      ['pool-a', { kind: 'bytes', bytes: 100 * GI }],
      ['pool-b', { kind: 'percent', percent: 10, text: '10' }],
    ]);
    expect(reserve.errors).toEqual([]);
    expect(reserve.isMalformed).toBe(false);
  });

  it.each([
    { name: 'absent annotation', annotation: undefined },
    { name: 'empty annotation', annotation: '  ' },
    { name: 'empty object', annotation: '{}' },
  ])('$name reserves nothing', ({ annotation }) => {
    const reserve = parseStorageReserved(annotation);
    expect(reserve.byVg.size).toBe(0);
    expect(reserve.isMalformed).toBe(false);
    expect(reserve.errors).toEqual([]);
  });

  it('keeps the good entries when one entry is bad, and names the bad VG', () => {
    const reserve = parseStorageReserved('{"good":"1Gi","bad":"ten percent"}');
    expect(reserve.byVg.get('good')).toEqual({ kind: 'bytes', bytes: GI });
    expect([...reserve.invalidVgNames]).toEqual(['bad']);
    expect(reserve.errors).toHaveLength(1);
    expect(reserve.errors[0]).toMatchObject({ vgName: 'bad', value: 'ten percent' });
  });

  it.each([
    { name: 'invalid JSON', annotation: '{"vg": 10Gi}', message: 'not valid JSON' },
    { name: 'a JSON array', annotation: '["10Gi"]', message: 'JSON object' },
    { name: 'a JSON string', annotation: '"10Gi"', message: 'JSON object' },
    { name: 'JSON null', annotation: 'null', message: 'JSON object' },
  ])('$name is malformed as a whole', ({ annotation, message }) => {
    const reserve = parseStorageReserved(annotation);
    expect(reserve.isMalformed).toBe(true);
    expect(reserve.errors).toHaveLength(1);
    expect(reserve.errors[0]?.vgName).toBeUndefined();
    expect(reserve.errors[0]?.message).toContain(message);
  });
});

describe('reservedBytes and applyReserved', () => {
  it.each([
    { name: 'a size caps allocatable at total minus the size', total: 100 * GI, allocatable: 100 * GI, value: '10Gi', want: 90 * GI },
    { name: 'a percentage caps allocatable at total minus the share (v0.7.1 left it at total)', total: 100 * GI, allocatable: 100 * GI, value: '10%', want: 90 * GI },
    { name: 'an allocatable already below the cap is unchanged', total: 100 * GI, allocatable: 50 * GI, value: '10%', want: 50 * GI },
    { name: 'a reserve larger than the VG leaves nothing, never a negative', total: 10 * GI, allocatable: 10 * GI, value: '20Gi', want: 0 },
    { name: '100% leaves nothing', total: 10 * GI, allocatable: 10 * GI, value: '100%', want: 0 },
    { name: '0% leaves everything', total: 10 * GI, allocatable: 10 * GI, value: '0%', want: 10 * GI },
    { name: 'a percentage of an odd total rounds the reserve up', total: 1001, allocatable: 1001, value: '10%', want: 900 },
    { name: 'a fractional percentage is exact', total: 1000, allocatable: 1000, value: '12.5%', want: 875 },
  ])('$name', ({ total, allocatable, value, want }) => {
    expect(applyReserved(total, allocatable, parseReservation('vg', value))).toBe(want);
  });

  it('no reservation leaves allocatable unchanged', () => {
    expect(applyReserved(100, 80, undefined)).toBe(80);
  });

  it.each([
    { name: 'fractional total', total: 1.5, allocatable: 1 },
    { name: 'negative allocatable', total: 10, allocatable: -1 },
    { name: 'NaN total', total: Number.NaN, allocatable: 1 },
  ])('refuses a $name with a typed error instead of computing nonsense', ({ total, allocatable }) => {
    expect(() => applyReserved(total, allocatable, { kind: 'percent', percent: 10, text: '10' })).toThrow(InvalidQuantityError);
  });

  it('a percentage of the largest safe total stays exact', () => {
    expect(reservedBytes({ kind: 'percent', percent: 50, text: '50' }, 2 ** 52)).toBe(2 ** 51);
  });
});

describe('allocatableWithReserve', () => {
  const vg = { name: 'pool', totalBytes: 100 * GI, allocatableBytes: 95 * GI };
  it.each([
    { name: 'applies the VG entry', annotation: '{"pool":"10%"}', want: 90 * GI },
    { name: 'another VG entry does not affect this VG', annotation: '{"other":"99%"}', want: 95 * GI },
    { name: 'this VG entry invalid fails closed to 0', annotation: '{"pool":"ten"}', want: 0 },
    { name: 'another VG entry invalid leaves this VG alone', annotation: '{"other":"ten","pool":"1Gi"}', want: 95 * GI },
    { name: 'a malformed annotation fails closed to 0', annotation: 'not json', want: 0 },
  ])('$name', ({ annotation, want }) => {
    expect(allocatableWithReserve(vg, parseStorageReserved(annotation))).toBe(want);
  });
});
