// The initramfs writer: members and alignment as the kernel reads them, checked by extracting with busybox cpio.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNewcArchive } from './cpio.js';

describe('buildNewcArchive', () => {
  it('writes newc headers padded to 4 bytes and ends with the trailer', () => {
    const archive = buildNewcArchive([{ kind: 'file', path: 'a', data: Buffer.from('xyz') }]);
    expect(archive.subarray(0, 6).toString()).toBe('070701');
    expect(archive.length % 4).toBe(0);
    // header (110) + "a\0" padded to 112, data "xyz" padded to 4 → the trailer starts at 116.
    expect(archive.subarray(116, 122).toString()).toBe('070701');
    expect(archive.subarray(116 + 110, 116 + 120).toString()).toBe('TRAILER!!!');
    expect(archive.subarray(112, 115).toString()).toBe('xyz');
  });

  it.each([
    { name: 'absolute path', path: '/etc/x' },
    { name: 'parent reference', path: 'a/../b' },
    { name: 'empty part', path: 'a//b' },
    { name: 'empty path', path: '' },
  ])('refuses an $name and names it', ({ path }) => {
    expect(() => buildNewcArchive([{ kind: 'dir', path }])).toThrow(JSON.stringify(path));
  });

  const busybox = '/bin/busybox';
  it.skipIf(!existsSync(busybox))('busybox cpio extracts dirs, modes, files and symlinks as written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpio-test-'));
    try {
      const archive = buildNewcArchive([
        { kind: 'dir', path: 'bin' },
        { kind: 'file', path: 'bin/tool', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
        { kind: 'symlink', path: 'bin/alias', target: 'tool' },
        { kind: 'file', path: 'odd', data: Buffer.alloc(5, 1) },
      ]);
      await mkdir(join(dir, 'out'));
      const extracted = spawnSync(busybox, ['cpio', '-i', '-d'], { cwd: join(dir, 'out'), input: archive });
      expect(extracted.status, extracted.stderr.toString()).toBe(0);
      expect(await readFile(join(dir, 'out/bin/tool'), 'utf8')).toBe('#!/bin/sh\n');
      expect((await stat(join(dir, 'out/bin/tool'))).mode & 0o777).toBe(0o755);
      expect(await readlink(join(dir, 'out/bin/alias'))).toBe('tool');
      expect(await readFile(join(dir, 'out/odd'))).toEqual(Buffer.alloc(5, 1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
