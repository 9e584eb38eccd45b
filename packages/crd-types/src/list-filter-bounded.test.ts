// listConfig patterns that backtrack catastrophically in a JS engine (RE2 runs them in linear time) are stopped
// and reported by field; the pass finishes and fails closed for that pattern only.
import { describe, expect, it } from 'vitest';
import { isWholeMatch, MatchTimeoutError } from './go-regexp.js';
import { compileGoRegexp } from './go-regexp.js';
import { filterNames } from './list-filter.js';

const evilName = `${'a'.repeat(40)}!`;

describe('bounded listConfig matching', () => {
  it('a match that would backtrack for hours is stopped with MatchTimeoutError', () => {
    expect(() => isWholeMatch(compileGoRegexp('(a+)+$', 'f'), evilName)).toThrow(MatchTimeoutError);
  });

  it('an include that stalls is reported by field; names kept before it and by other patterns stay', () => {
    const outcome = filterNames(['aaa', evilName, 'vg-1'], { include: ['(a+)+$', 'vg-[0-9]'] }, 'listConfig.vgs');
    expect(outcome.kept).toEqual(['aaa', 'vg-1']);
    expect(outcome.errors.map((e) => e.field)).toEqual(['listConfig.vgs.include[0]']);
    expect(outcome.errors[0]?.message).toMatch(/listConfig\.vgs\.include\[0\]: invalid regular expression "\(a\+\)\+\$": matching "a+!" ran past 100 ms/);
  });

  it('an exclude that stalls empties the list (its exclusion cannot be honoured) and is reported once', () => {
    const outcome = filterNames(['vg-1', evilName, `${evilName}b`], { include: ['.*'], exclude: ['(a+)+$'] }, 'listConfig.vgs');
    expect(outcome.kept).toEqual([]);
    expect(outcome.errors.map((e) => e.field)).toEqual(['listConfig.vgs.exclude[0]']);
  });
});
