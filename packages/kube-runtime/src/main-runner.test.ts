import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { installFatalHandlers, runMain, type MainProcess } from './main-runner.js';

type FatalListener = Parameters<MainProcess['onFatal']>[0];

function fakeProcess(): MainProcess & { codes: number[]; errors: string[]; fatal: FatalListener[] } {
  const codes: number[] = [];
  const errors: string[] = [];
  const fatal: FatalListener[] = [];
  return {
    argv: ['node', 'app', '--x'], codes, errors, fatal,
    exit: (code) => void codes.push(code), writeError: (text) => void errors.push(text), onFatal: (listener) => void fatal.push(listener),
  };
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

  it('installs the fatal handlers before run starts', async () => {
    const host = fakeProcess();
    let installedBeforeRun = 0;
    await runMain('open-local-x', async () => { installedBeforeRun = host.fatal.length; }, host);
    expect(installedBeforeRun).toBe(1);
  });
});

describe('installFatalHandlers', () => {
  it.each([
    { name: 'an unhandled rejection with an Error prints its stack and exits 1', kind: 'unhandled rejection' as const, error: new Error('informer lost'), want: /^open-local-x: fatal unhandled rejection: Error: informer lost\n {4}at / },
    { name: 'an uncaught exception exits 1 naming the app', kind: 'uncaught exception' as const, error: new TypeError('x is undefined'), want: /^open-local-x: fatal uncaught exception: TypeError: x is undefined\n/ },
    { name: 'a rejection with a non-error prints it as text', kind: 'unhandled rejection' as const, error: 'boom', want: /^open-local-x: fatal unhandled rejection: boom\n$/ },
  ])('$name', ({ kind, error, want }) => {
    const host = fakeProcess();
    installFatalHandlers('open-local-x', host);
    expect(host.codes).toEqual([]);
    host.fatal[0]?.(kind, error);
    expect(host.codes).toEqual([1]);
    expect(host.errors).toHaveLength(1);
    expect(host.errors[0]).toMatch(want);
  });
});

describe('installFatalHandlers in a real process', () => {
  it('a promise nobody awaits that rejects ends the app with 1 and one line naming it, before run() finishes', () => {
    const mainRunner = new URL('./main-runner.ts', import.meta.url).pathname;
    const script = [
      `const { runMain } = await import(${JSON.stringify(mainRunner)});`,
      "await runMain('open-local-probe', async () => { void Promise.reject(new Error('lost promise')); await new Promise((resolve) => setTimeout(resolve, 2000)); console.log('run finished'); });",
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(/^open-local-probe: fatal unhandled rejection: Error: lost promise\n/);
    expect(child.stdout).not.toContain('run finished');
  });
});
