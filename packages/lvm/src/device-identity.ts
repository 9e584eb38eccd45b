// A disk's identity that survives a new kernel name: what the hardware (or the loop driver) says the disk is,
// read from sysfs. Kernel names (sdb, vdc, loop3) can move after a reboot or a re-attach; these do not.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** sysfs files, in order of preference, and the prefix each identity gets. */
const SOURCES: ReadonlyArray<readonly [file: string, prefix: string]> = [
  ['device/wwid', 'wwid'],
  ['wwid', 'wwid'],
  ['device/serial', 'serial'],
  ['serial', 'serial'],
  ['loop/backing_file', 'loop'],
];

/**
 * The stable identity of the whole disk `/dev/<name>` (`wwid:…`, `serial:…`, or `loop:<backing file>`), or null
 * when sysfs offers none (then only the size can tell disks apart).
 */
export async function readDeviceIdentity(options: { sysfsRoot: string; devicePath: string }): Promise<string | null> {
  const name = options.devicePath.replace(/^\/dev\//, '');
  if (name === '' || name.includes('/')) return null;
  for (const [file, prefix] of SOURCES) {
    const value = await readFile(join(options.sysfsRoot, 'class', 'block', name, file), 'utf8').then(
      (text) => text.trim(),
      () => '',
    );
    if (value !== '') return `${prefix}:${value}`;
  }
  return null;
}
