import { describe, expect, it } from 'vitest';
import { toolsBinDir } from './paths.js';

describe('toolsBinDir', () => {
  it.each([
    { name: 'OPENLOCAL_CACHE wins', env: { OPENLOCAL_CACHE: '/c', XDG_CACHE_HOME: '/x' }, want: '/c/tools/bin' },
    { name: 'else XDG_CACHE_HOME/open-local-ts, as scripts/lib.sh', env: { XDG_CACHE_HOME: '/x' }, want: '/x/open-local-ts/tools/bin' },
    { name: 'an empty OPENLOCAL_CACHE counts as unset', env: { OPENLOCAL_CACHE: '', XDG_CACHE_HOME: '/x' }, want: '/x/open-local-ts/tools/bin' },
  ])('$name', ({ env, want }) => {
    expect(toolsBinDir(env)).toBe(want);
  });
});
