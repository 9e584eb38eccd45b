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
    { name: 'flags inside the pattern apply to the rest of the group', pattern: 'vg-(?i)ssd', candidate: 'vg-SSD', want: true },
    { name: 'flags inside the pattern do not reach back', pattern: 'vg-(?i)ssd', candidate: 'VG-ssd', want: false },
    { name: '(?i:...) scopes the flag to the group', pattern: '(?i:vg)-ssd', candidate: 'VG-SSD', want: false },
    { name: '(?U) makes + lazy, so a|a+ style names are not covered', pattern: '(?U)vg[0-9]+', candidate: 'vg12', want: false },
    { name: '(?U) flips a lazy quantifier back to greedy', pattern: '(?U)vg[0-9]+?', candidate: 'vg12', want: true },
    { name: 'octal escape \\101 is A', pattern: '\\101b', candidate: 'Ab', want: true },
    { name: '[[:^digit:]] is a negated POSIX class', pattern: '[[:^digit:]]+', candidate: 'vg', want: true },
    { name: '\\pl is \\pL (Go looks names up ignoring case)', pattern: '\\pl+', candidate: 'vg', want: true },
    { name: '(?i) folds the Kelvin sign to k', pattern: '(?i)k', candidate: '\u212a', want: true },
    { name: '$ without (?m) is the end of the text, not before a final newline', pattern: 'vg$', candidate: 'vg\n', want: false },
    { name: '(?m)$ matches before a newline', pattern: '(?m)vg$\n', candidate: 'vg\n', want: true },
    { name: '\\b is an ASCII word boundary', pattern: 'vg\\b-1', candidate: 'vg-1', want: true },
    { name: 'x* where x can be empty prefers the shorter match, as Go does', pattern: '(|a)*', candidate: 'aa', want: false },
    { name: 'a counted repeat covers exactly its count', pattern: '(?:ab){2,3}', candidate: 'ababab', want: true },
    { name: 'a counted repeat does not cover more', pattern: '(?:ab){2,3}', candidate: 'abababab', want: false },
  ])('$name', ({ pattern, candidate, want }) => {
    expect(isWholeMatch(compileGoRegexp(pattern, 'f'), candidate)).toBe(want);
  });
});

describe('compileGoRegexp refuses what Go refuses', () => {
  it.each([
    { name: 'unbalanced bracket', pattern: '[a-', reason: /missing closing \]/ },
    { name: 'unbalanced parenthesis', pattern: 'vg(', reason: /missing closing \)/ },
    { name: 'a closing parenthesis without its opening one', pattern: 'vg)', reason: /unexpected \)/ },
    { name: 'lookahead is not RE2', pattern: 'vg(?=1)', reason: /invalid or unsupported Perl syntax/ },
    { name: 'negative lookbehind is not RE2', pattern: '(?<!x)vg', reason: /invalid named capture/ },
    { name: 'backreference is not RE2', pattern: '(a)\\1', reason: /invalid escape sequence/ },
    { name: 'unknown POSIX class', pattern: '[[:nope:]]', reason: /invalid character class range/ },
    { name: 'unknown letter escape \\e', pattern: 'vg\\e', reason: /invalid escape sequence/ },
    { name: 'unknown letter escape \\Z', pattern: 'vg\\Z', reason: /invalid escape sequence/ },
    { name: 'named backreference \\k<x>', pattern: '(?<x>a)\\k<x>', reason: /invalid escape sequence/ },
    { name: 'malformed long hex escape', pattern: '\\x{zz}', reason: /invalid escape sequence/ },
    { name: 'trailing backslash', pattern: 'vg\\', reason: /trailing backslash/ },
    { name: 'nothing to repeat', pattern: '*vg', reason: /missing argument to repetition operator/ },
    { name: 'a repetition of a repetition', pattern: 'a**', reason: /invalid nested repetition operator/ },
    { name: 'a count above 1000', pattern: 'a{1001}', reason: /invalid repeat count/ },
    { name: 'nested counts above 1000 copies', pattern: '(a{100}){20}', reason: /invalid repeat count/ },
    { name: 'a backwards range', pattern: '[z-a]', reason: /invalid character class range/ },
    { name: 'an unknown Unicode class', pattern: '\\p{Klingon}', reason: /invalid character class range/ },
    { name: 'a program past 100,000 instructions (Go allows it; no name needs it)', pattern: `(?:${'ab'.repeat(51)}){1000}`, reason: /expression too large/ },
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

describe('patterns that make a backtracking engine explode answer correctly, in linear time', () => {
  it.each([
    { name: '(a+)+$ rejects a long name with a bad last character', pattern: '(a+)+$', candidate: `${'a'.repeat(5000)}!`, want: false },
    { name: '(a+)+$ keeps a long name of a only', pattern: '(a+)+$', candidate: 'a'.repeat(5000), want: true },
    { name: '(a|aa)*b keeps a long name ending in b', pattern: '(a|aa)*b', candidate: `${'a'.repeat(3000)}b`, want: true },
    { name: '(a|aa)*b rejects a long name ending in c', pattern: '(a|aa)*b', candidate: `${'a'.repeat(3000)}c`, want: false },
    { name: '(.*a){12} on a long name without the last a', pattern: '(.*a){12}', candidate: `${'a'.repeat(2000)}!`, want: false },
  ])('$name', ({ pattern, candidate, want }) => {
    expect(isWholeMatch(compileGoRegexp(pattern, 'f'), candidate)).toBe(want);
  });

  it('one compiled pattern answers the same when reused across names (its buffers are shared)', () => {
    const re = compileGoRegexp('(a|ab)(c|bcd)(d*)', 'f');
    const names = ['abcd', 'abc', 'acd', 'abcd', 'abcdd', 'ab', 'abcd'];
    // Go's answers for these names (test/re2/main.go).
    expect(names.map((n) => isWholeMatch(re, n))).toEqual([true, true, true, true, true, false, true]);
  });
});

describe('GoRegexp.find is Go\'s FindString (leftmost-first, unanchored)', () => {
  it.each([
    { name: 'the leftmost match wins over a longer later one', pattern: 'b+|a', text: 'xabbb', want: { index: 1, text: 'a' } },
    { name: 'alternation is leftmost-first, not longest', pattern: 'a|ab', text: 'xab', want: { index: 1, text: 'a' } },
    { name: 'an empty match at 0', pattern: 'z*', text: 'abc', want: { index: 0, text: '' } },
    { name: 'indices count UTF-16 units after an astral character', pattern: 'b', text: '😀ab', want: { index: 3, text: 'b' } },
    { name: 'no match', pattern: 'q', text: 'abc', want: null },
  ])('$name', ({ pattern, text, want }) => {
    expect(compileGoRegexp(pattern, 'f').find(text)).toEqual(want);
  });
});
