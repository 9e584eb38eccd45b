import { describe, expect, it } from 'vitest';
import { buildCommand, parseConfig } from './cli.js';

const argv = (...flags: string[]): string[] => ['node', 'open-local-agent', '--nodename', 'n1', ...flags];

describe('parseConfig', () => {
  it('keeps Open-Local\'s agent defaults', () => {
    const config = parseConfig(argv());
    expect(config).toMatchObject({ nodename: 'n1', interval: 60, lvname: 'local', sysfs: '/sys', mount: '/mnt/open-local', kubeconfig: '', lvmSystemDir: '' });
    expect(config.regexp.source).toBe('^(s|v|xv)d[a-z]+$');
  });

  it('reads the dotted flags', () => {
    expect(parseConfig(argv('--path.sysfs', '/host_sys', '--path.mount', '/mnt/ol/'))).toMatchObject({ sysfs: '/host_sys', mount: '/mnt/ol/' });
  });

  it('takes LVM_SYSTEM_DIR from the environment unless the flag is given', () => {
    expect(parseConfig(argv(), { LVM_SYSTEM_DIR: '/etc/lvm-node-a' }).lvmSystemDir).toBe('/etc/lvm-node-a');
    expect(parseConfig(argv('--lvm-system-dir', '/x'), { LVM_SYSTEM_DIR: '/etc/lvm-node-a' }).lvmSystemDir).toBe('/x');
  });

  it.each([
    { name: 'an invalid --regexp is refused with the pattern named', flags: ['--regexp', '(sd'], want: /--regexp "\(sd" is not a valid regular expression/ },
    { name: 'a missing --nodename is refused', flags: ['--nodename', ''], want: /--nodename is required/ },
    { name: 'a zero --interval is refused', flags: ['--interval', '0'], want: /--interval must be at least 1/ },
    { name: 'a non-numeric --interval is refused', flags: ['--interval', 'soon'], want: /--interval must be a number/ },
    { name: 'a relative --path.mount is refused', flags: ['--path.mount', 'mnt'], want: /--path.mount must be an absolute path/ },
    { name: 'an invalid --lvname is refused', flags: ['--lvname', '-x'], want: /--lvname/ },
  ])('$name', ({ flags, want }) => {
    expect(() => parseConfig(argv(...flags))).toThrow(want);
  });

  it('shows every default in --help', () => {
    const help = buildCommand().helpInformation();
    for (const text of ['"60"', '"local"', '"^(s|v|xv)d[a-z]+$"', '"/sys"', '"/mnt/open-local"', '"300"', '"9101"']) expect(help).toContain(text);
  });
});
