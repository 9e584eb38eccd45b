import { status } from '@grpc/grpc-js';
import { CommandTimeoutError, ExecError, LVM_ERROR_CODES, LvmError } from '@openlocal/lvm';
import { describe, expect, it } from 'vitest';
import { CSI_ERROR_CODES, CsiError, InvalidFieldError } from '../core/errors.js';
import { CSI_CODE_BY_LVM_CODE, GRPC_STATUS_BY_CODE, toServiceError } from './service-error.js';

describe('toServiceError', () => {
  it.each([
    { name: 'bad input is INVALID_ARGUMENT and keeps the field in the message', error: new InvalidFieldError('name', 'a/b', 'no paths'), code: status.INVALID_ARGUMENT, details: 'invalid name "a/b": no paths' },
    { name: 'no space is RESOURCE_EXHAUSTED', error: new CsiError('NO_SPACE', 'full'), code: status.RESOURCE_EXHAUSTED, details: 'full' },
    { name: 'a busy volume is ABORTED', error: new CsiError('IN_FLIGHT', 'busy'), code: status.ABORTED, details: 'busy' },
    { name: 'lvm out of space is RESOURCE_EXHAUSTED', error: new LvmError('INSUFFICIENT_SPACE', 'vg full'), code: status.RESOURCE_EXHAUSTED, details: 'vg full' },
    { name: 'a missing LV is NOT_FOUND', error: new LvmError('LV_NOT_FOUND', 'gone'), code: status.NOT_FOUND, details: 'gone' },
    {
      name: 'a command past its deadline (a hung disk) is UNAVAILABLE, so the sidecar retries',
      error: new CommandTimeoutError(['lvm', 'lvcreate'], 5000),
      code: status.UNAVAILABLE,
      details: 'lvm did not finish within 5000 ms (killed; a process stuck on a hung disk may outlive the kill)',
    },
    {
      name: 'a command that could not start (the device-mapper probe in a bad moment) is UNAVAILABLE',
      error: new ExecError('the device-mapper probe (dmsetup version) could not run: spawn dmsetup ENOENT', ['dmsetup', 'version']),
      code: status.UNAVAILABLE,
      details: 'the device-mapper probe (dmsetup version) could not run: spawn dmsetup ENOENT',
    },
    { name: 'an unknown error is INTERNAL', error: new TypeError('x is undefined'), code: status.INTERNAL, details: 'internal error: x is undefined' },
    { name: 'a thrown string is INTERNAL', error: 'boom', code: status.INTERNAL, details: 'internal error' },
  ])('$name', ({ error, code, details }) => {
    const mapped = toServiceError(error);
    expect(mapped.code).toBe(code);
    expect(mapped.details).toBe(details);
    expect(mapped.cause).toBe(error);
  });

  it('maps every plugin and lvm code to a status other than OK', () => {
    for (const code of CSI_ERROR_CODES) expect(GRPC_STATUS_BY_CODE[code]).toBeGreaterThan(0);
    for (const code of LVM_ERROR_CODES) expect(CSI_ERROR_CODES).toContain(CSI_CODE_BY_LVM_CODE[code]);
  });
});
