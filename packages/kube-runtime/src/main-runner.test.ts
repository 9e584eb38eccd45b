import { describe, expect, it } from 'vitest';
import { runMain, type MainProcess } from './main-runner.js';

function fakeProcess(): MainProcess & { codes: number[]; errors: string[] } {
  const codes: number[] = [];
  const errors: string[] = [];
  return { argv: ['node', 'app', '--x'], codes, errors, exit: (code) => void codes.push(code), writeError: (text) => void errors.push(text) };
}

describe('runMain', () => {
  it('passes argv and exits 0 once run resolves', async () => {
    const host = fakeProcess();
    let seen: readonly string[] = [];
    await runMain('open-local-x', async (argv) => { seen = argv; }, host);
    expect(seen).toEqual(['node', 'app', '--x']);
    expect(host).toMatchObject({ codes: [0], errors: [] });
  });

  it('prints one line naming the app and exits 1 when run fails', async () => {
    const host = fakeProcess();
    await runMain('open-local-x', () => Promise.reject(new Error('--port: expected a number, got "abc"')), host);
    expect(host).toMatchObject({ codes: [1], errors: ['open-local-x: --port: expected a number, got "abc"\n'] });
  });

  it("exits with commander's own code, silently, for --help and --version", async () => {
    const host = fakeProcess();
    await runMain('open-local-x', () => Promise.reject(Object.assign(new Error('(outputHelp)'), { code: 'commander.helpDisplayed', exitCode: 0 })), host);
    expect(host).toMatchObject({ codes: [0], errors: [] });
  });

  it('prints a thrown non-error too', async () => {
    const host = fakeProcess();
    await runMain('open-local-x', () => Promise.reject('boom'), host);
    expect(host).toMatchObject({ codes: [1], errors: ['open-local-x: boom\n'] });
  });
});
