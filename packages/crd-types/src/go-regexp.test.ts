// Go RE2 pattern compilation and Open-Local's whole-match test.
import { describe, expect, it } from 'vitest';
import { InvalidPatternError } from './errors.js';
import { compileGoRegexp, isWholeMatch } from './go-regexp.js';

describe('isWholeMatch', () => {
  it.each([
    { name: 'an unanchored pattern must still cover the whole name', pattern: 'paas[0-9]*', candidate: 'paas12', want: true },
    { name: 'a match that leaves a suffix does not count', pattern: 'paas[0-1]+', candidate: 'paas12', want: false },
    { name: 'a match that starts later does not count', pattern: 'as1', candidate: 'paas1', want: false },
    { name: 'leftmost-first alternation a|ab keeps "a" only, not "ab"', pattern: 'a|ab', candidate: 'ab', want: false },
    { name: 'alternation with the longer branch first keeps "ab"', pattern: 'ab|a', candidate: 'ab', want: true },
    { name: 'lazy quantifier stops early so the name is not covered', pattern: 'vg.*?', candidate: 'vg1', want: false },
    { name: 'explicit anchors behave like the implicit whole-match', pattern: '^/dev/vd[a-d]+$', candidate: '/dev/vdb', want: true },
    { name: 'device regexp of the reference example', pattern: '/dev/vd[a-d]+', candidate: '/dev/vdc', want: true },
    { name: 'partition is not matched by the disk pattern', pattern: '/dev/vd[a-d]+', candidate: '/dev/vdb1', want: false },
    { name: 'empty pattern matches only the empty string', pattern: '', candidate: 'vg', want: false },
  ])('$name', ({ pattern, candidate, want }) => {
    expect(isWholeMatch(compileGoRegexp(pattern, 'f'), candidate)).toBe(want);
  });

  it('ignores a global regexp lastIndex left over from earlier use', () => {
    const re = /vg[0-9]/g;
    re.exec('vg1 vg2');
    expect(isWholeMatch(re, 'vg1')).toBe(true);
  });
});

describe('compileGoRegexp translates RE2 syntax', () => {
  it.each([
    { name: 'leading (?i) becomes the i flag', pattern: '(?i)VG-[a-z]+', candidate: 'vg-pool', want: true },
    { name: '(?P<name>) named groups compile', pattern: '(?P<pool>pool)-[0-9]+', candidate: 'pool-3', want: true },
    { name: 'POSIX [[:digit:]] is a digit class, not a bracket soup', pattern: 'pool-[[:digit:]]+', candidate: 'pool-42', want: true },
    { name: 'POSIX [[:digit:]] rejects letters', pattern: 'pool-[[:digit:]]+', candidate: 'pool-:d', want: false },
    { name: 'POSIX [[:alpha:]] combined with other class members', pattern: '[[:alpha:]_]+', candidate: 'a_b', want: true },
    { name: '\\A and \\z anchor the text', pattern: '\\Avg\\z', candidate: 'vg', want: true },
    { name: 'a leading ] in a class is a literal', pattern: '[]a]+', candidate: ']a]', want: true },
    { name: '\\pL single-letter Unicode class', pattern: '\\pL+', candidate: 'héllo', want: true },
    { name: '\\p{Greek} braced Unicode class', pattern: '\\p{Greek}+', candidate: 'αβ', want: true },
    { name: '\\p{^Greek} negated script class', pattern: 'x\\p{^Greek}', candidate: 'xa', want: true },
    { name: '\\PL negated category rejects a letter', pattern: '\\PL', candidate: 'a', want: false },
    { name: '\\Q...\\E quotes metacharacters', pattern: 'vg\\Q.+\\E1', candidate: 'vg.+1', want: true },
    { name: '\\Q...\\E quoted dot does not match any character', pattern: 'vg\\Q.\\E1', candidate: 'vgx1', want: false },
    { name: '\\x{41} long hex escape', pattern: '\\x{41}b', candidate: 'Ab', want: true },
    { name: '\\x41 short hex escape', pattern: '\\x41b', candidate: 'Ab', want: true },
    { name: '\\s is RE2 ASCII space, not vertical tab', pattern: 'a\\sb', candidate: 'a\vb', want: false },
    { name: '\\s inside a class', pattern: 'a[\\s_]b', candidate: 'a b', want: true },
    { name: 'escaped punctuation is literal', pattern: 'vg\\-1\\.0', candidate: 'vg-1.0', want: true },
    { name: 'escaped bracket is not a class', pattern: 'a\\[b', candidate: 'a[b', want: true },
  ])('$name', ({ pattern, candidate, want }) => {
    expect(isWholeMatch(compileGoRegexp(pattern, 'f'), candidate)).toBe(want);
  });
});

describe('compileGoRegexp refuses what RE2 or JS cannot compile', () => {
  it.each([
    { name: 'unbalanced bracket', pattern: '[a-', reason: /Invalid regular expression|Unterminated/i },
    { name: 'unbalanced parenthesis', pattern: 'vg(', reason: /Invalid regular expression|Unterminated/i },
    { name: 'lookahead is not RE2', pattern: 'vg(?=1)', reason: /lookaround/ },
    { name: 'negative lookbehind is not RE2', pattern: '(?<!x)vg', reason: /lookaround/ },
    { name: 'backreference is not RE2', pattern: '(a)\\1', reason: /backreference/ },
    { name: 'ungreedy flag has no JS equivalent', pattern: '(?U)a+', reason: /ungreedy/ },
    { name: 'flags in the middle of a pattern', pattern: 'a(?i)b', reason: /prefix of the whole pattern/ },
    { name: 'unknown POSIX class', pattern: '[[:nope:]]', reason: /POSIX class/ },
    { name: 'unknown letter escape \\e', pattern: 'vg\\e', reason: /not an RE2 escape/ },
    { name: 'unknown letter escape \\Z', pattern: 'vg\\Z', reason: /not an RE2 escape/ },
    { name: 'named backreference \\k<x>', pattern: '(?<x>a)\\k<x>', reason: /not an RE2 escape/ },
    { name: 'malformed long hex escape', pattern: '\\x{zz}', reason: /malformed/ },
    { name: 'trailing backslash', pattern: 'vg\\', reason: /trailing backslash/ },
    { name: 'nothing to repeat', pattern: '*vg', reason: /Invalid regular expression/ },
  ])('$name', ({ pattern, reason }) => {
    let caught: unknown;
    try {
      compileGoRegexp(pattern, 'listConfig.vgs.include[2]');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPatternError);
    const error = caught as InvalidPatternError;
    expect(error.code).toBe('INVALID_PATTERN');
    expect(error.pattern).toBe(pattern);
    expect(error.field).toBe('listConfig.vgs.include[2]');
    expect(error.message).toContain('listConfig.vgs.include[2]');
    expect(error.message).toContain(JSON.stringify(pattern));
    expect(error.message).toMatch(reason);
  });
});
