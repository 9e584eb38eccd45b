// Open-Local's listConfig patterns in Go's regexp syntax (RE2), matched as Go matches them and in linear time:
// parsed by re2-parser.ts, run by the Pike VM of re2-machine.ts. No JS RegExp runs a user's pattern, so no
// pattern can make a match backtrack.
import { InvalidPatternError } from './errors.js';
import { compileProgram, findMatch, type Program } from './re2-machine.js';
import { parseRe2 } from './re2-parser.js';

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const c of text) out.push(c.codePointAt(0) ?? 0);
  return out;
}

/** A compiled Go (RE2) pattern. Every method takes time linear in the text's length. */
export class GoRegexp {
  /** @internal built by compileGoRegexp */
  constructor(
    readonly source: string,
    private readonly program: Program,
  ) {}

  /** Go's `FindString`: the leftmost-first match as `{ index, text }` (UTF-16 index), or null. */
  find(text: string): { index: number; text: string } | null {
    const points = codePoints(text);
    const span = findMatch(this.program, points, false);
    if (span === null) return null;
    const unitsBefore = (n: number): number => points.slice(0, n).reduce((sum, cp) => sum + (cp > 0xffff ? 2 : 1), 0);
    const index = unitsBefore(span.start);
    return { index, text: text.slice(index, unitsBefore(span.end)) };
  }

  /** Go's `MatchString`: whether the pattern matches anywhere in the text. */
  test(text: string): boolean {
    return findMatch(this.program, codePoints(text), false) !== null;
  }

  /** Whether the leftmost-first match starting at 0 covers the whole text (see isWholeMatch). */
  matchesWhole(text: string): boolean {
    const points = codePoints(text);
    return findMatch(this.program, points, true)?.end === points.length;
  }
}

/**
 * Compiles one listConfig pattern written in Go's regexp syntax, accepting and refusing exactly what Go's
 * `regexp.Compile` does (flags anywhere, `(?U)`, `\pL`, `[[:alpha:]]`, octal and `\x{...}` escapes, `\Q...\E`),
 * except programs larger than MAX_INSTRUCTIONS (100,000), which are refused.
 * @param field where the pattern came from, used in the error (e.g. `listConfig.vgs.include[0]`)
 * @throws {InvalidPatternError} naming the field, the pattern and Go's reason
 */
export function compileGoRegexp(pattern: string, field: string): GoRegexp {
  try {
    return new GoRegexp(pattern, compileProgram(parseRe2(pattern)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidPatternError({ field, pattern, reason, cause: error });
  }
}

/**
 * Open-Local's keep test, `re.FindString(c) == c`, for a non-empty name: the leftmost-first match must be the
 * whole name. Unlike `^(?:re)$`, `a|ab` does not keep "ab", because the leftmost-first match of `a|ab` in "ab" is
 * "a"; existing configs select exactly what they selected under Open-Local. (For the empty name Go's test is true
 * whatever the pattern; callers drop empty names, and this answers whether the pattern matches "".)
 */
export function isWholeMatch(re: GoRegexp, candidate: string): boolean {
  return re.matchesWhole(candidate);
}
