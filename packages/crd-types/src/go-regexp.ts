// Compiles Open-Local's Go (RE2) listConfig patterns into JS RegExps: common RE2-only syntax is translated,
// JS-only syntax RE2 rejects (lookaround, backreferences) is refused, so a config means the same in both.
import { createContext, Script } from 'node:vm';
import { InvalidPatternError } from './errors.js';

// POSIX classes RE2 accepts inside brackets, e.g. `[[:digit:]]`. JS would read `[[:digit:]]` as a different class
// without complaint, so they must be translated, not passed through.
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

interface Scan {
  readonly src: string;
  i: number;
  out: string;
  inClass: boolean;
  unicode: boolean;
}

class Unsupported extends Error {}

function leadingFlags(scan: Scan): string {
  const match = /^\(\?([imsU]+)\)/.exec(scan.src);
  if (match === null) return '';
  const letters = match[1] ?? '';
  if (letters.includes('U')) throw new Unsupported('the ungreedy flag (?U) has no JavaScript equivalent');
  scan.i = match[0].length;
  return [...new Set(letters)].join('');
}

// RE2 names general categories (`L`, `Nd`) and scripts (`Greek`) alike and negates with `^`; JS wants
// `Script=` before a script name and negates with \P.
function unicodeClass(letter: string, raw: string): string {
  const isNegated = raw.startsWith('^');
  const name = isNegated ? raw.slice(1) : raw;
  const property = /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
  const flip = isNegated !== (letter === 'P');
  return `\\${flip ? 'P' : 'p'}{${property}}`;
}

function scanUnicodeEscape(scan: Scan, letter: string): void {
  scan.unicode = true;
  const isBraced = scan.src[scan.i + 2] === '{';
  const end = isBraced ? scan.src.indexOf('}', scan.i) : scan.i + 2;
  if (end < 0 || scan.src[end] === undefined) throw new Unsupported('unterminated Unicode class');
  scan.out += unicodeClass(letter, isBraced ? scan.src.slice(scan.i + 3, end) : scan.src.slice(scan.i + 2, end + 1));
  scan.i = end + 1;
}

// Escapes whose meaning RE2 and JS share; any other letter or digit escape is refused, because JS would quietly
// read an unknown one (`\e`, `\Z`) as the bare letter while RE2 rejects it.
const SHARED_ESCAPES = new Set(['d', 'D', 'w', 'W', 'S', 'b', 'B', 'f', 't', 'n', 'r', 'v', 'x', '0']);

// RE2 escapes that JS spells differently. \A and \z anchor at the text's start/end whatever the m flag says;
// RE2's \s is ASCII whitespace without \v, narrower than JS's.
function translatedEscape(letter: string, inClass: boolean): string | undefined {
  switch (letter) {
    case 'A':
      return inClass ? undefined : '(?<![\\s\\S])';
    case 'z':
      return inClass ? undefined : '(?![\\s\\S])';
    case 's':
      return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
    case 'a':
      return '\\x07';
    default:
      return undefined;
  }
}

// \Q...\E quotes its text literally (to the end of the pattern when \E is missing).
function scanQuoted(scan: Scan): void {
  const end = scan.src.indexOf('\\E', scan.i + 2);
  const text = scan.src.slice(scan.i + 2, end < 0 ? undefined : end);
  scan.out += text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  scan.i = end < 0 ? scan.src.length : end + 2;
}

// \x{10FFFF} is RE2's long hex form; JS needs \u{...} and the u flag.
function scanLongHex(scan: Scan): void {
  const end = scan.src.indexOf('}', scan.i);
  const digits = end < 0 ? '' : scan.src.slice(scan.i + 3, end);
  if (!/^[0-9A-Fa-f]{1,6}$/.test(digits)) throw new Unsupported('malformed \\x{...} escape');
  scan.unicode = true;
  scan.out += `\\u{${digits}}`;
  scan.i = end + 1;
}

function scanSimpleEscape(scan: Scan, letter: string): void {
  const translated = translatedEscape(letter, scan.inClass);
  if (translated === undefined && /[0-9A-Za-z]/.test(letter) && !SHARED_ESCAPES.has(letter)) {
    throw new Unsupported(/[1-9]/.test(letter) ? 'backreferences and octal escapes are not supported' : `\\${letter} is not an RE2 escape`);
  }
  scan.out += translated ?? `\\${letter}`;
  scan.i += 2;
}

function scanEscape(scan: Scan): void {
  const next = scan.src[scan.i + 1];
  if (next === undefined) throw new Unsupported('trailing backslash');
  if (next === 'p' || next === 'P') return scanUnicodeEscape(scan, next);
  if (next === 'Q') return scanQuoted(scan);
  if (next === 'x' && scan.src[scan.i + 2] === '{') return scanLongHex(scan);
  scanSimpleEscape(scan, next);
}

function scanGroupOpen(scan: Scan): void {
  const rest = scan.src.slice(scan.i + 2);
  if (rest.startsWith('P<')) {
    scan.out += '(?<';
    scan.i += 4;
  } else if (rest.startsWith(':') || (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!'))) {
    scan.out += rest.startsWith(':') ? '(?:' : '(?<';
    scan.i += 3;
  } else if (/^(=|!|<=|<!)/.test(rest)) {
    throw new Unsupported('lookaround assertions are not RE2 syntax');
  } else {
    throw new Unsupported('flags are supported only as a prefix of the whole pattern, e.g. (?i)vg.*');
  }
}

function scanClassOpen(scan: Scan): void {
  scan.inClass = true;
  scan.out += '[';
  scan.i += 1;
  if (scan.src[scan.i] === '^') {
    scan.out += '^';
    scan.i += 1;
  }
  // RE2 reads a `]` right after `[` or `[^` as a literal; JS would close an empty class there.
  if (scan.src[scan.i] === ']') {
    scan.out += '\\]';
    scan.i += 1;
  }
}

function scanPosixClass(scan: Scan): void {
  const end = scan.src.indexOf(':]', scan.i + 2);
  const name = end < 0 ? '' : scan.src.slice(scan.i + 2, end);
  const body = POSIX_CLASSES[name];
  if (body === undefined) throw new Unsupported(`unknown or negated POSIX class [:${name}:]`);
  scan.out += body;
  scan.i = end + 2;
}

function scanInClass(scan: Scan, c: string): void {
  if (c === '[' && scan.src[scan.i + 1] === ':') return scanPosixClass(scan);
  if (c === ']') scan.inClass = false;
  scan.out += c;
  scan.i += 1;
}

function scanOne(scan: Scan): void {
  const c = scan.src[scan.i] ?? '';
  if (c === '\\') return scanEscape(scan);
  if (scan.inClass) return scanInClass(scan, c);
  if (c === '(' && scan.src[scan.i + 1] === '?') return scanGroupOpen(scan);
  if (c === '[') return scanClassOpen(scan);
  scan.out += c;
  scan.i += 1;
}

/** Translates RE2 syntax into an equivalent JS source and flags; throws Unsupported for what has no equivalent. */
function translate(pattern: string): { source: string; flags: string } {
  const scan: Scan = { src: pattern, i: 0, out: '', inClass: false, unicode: false };
  const flags = leadingFlags(scan);
  while (scan.i < pattern.length) scanOne(scan);
  return { source: scan.out, flags: scan.unicode ? `${flags}u` : flags };
}

/**
 * Compiles one listConfig pattern written in Go RE2 syntax. Translated: a leading `(?i)`/`(?s)`/`(?m)` flag
 * group, `(?P<name>...)`, `\A`, `\z`, `\Q...\E`, `\x{...}`, `\a`, RE2's ASCII `\s`, `[[:digit:]]`-style POSIX
 * classes, `\pL`/`\p{Greek}`. Refused (RE2 rejects them too): lookaround, backreferences, unknown escapes.
 * Refused because JS cannot express them: `(?U)` and flags after the start. Anything else JS cannot compile is
 * refused as well.
 * @param field where the pattern came from, used in the error (e.g. `listConfig.vgs.include[0]`)
 * @throws {InvalidPatternError} naming the field and the pattern
 */
export function compileGoRegexp(pattern: string, field: string): RegExp {
  try {
    const { source, flags } = translate(pattern);
    return new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidPatternError({ field, pattern, reason, cause: error });
  }
}

/**
 * How long one match may run. JS regexps backtrack, so a pattern such as `(a+)+$` takes exponential time on a
 * long name where Go's RE2 takes linear time; a match that runs past this bound is stopped and reported instead of
 * stalling the agent. Real listConfig matches take microseconds.
 */
export const MATCH_TIME_LIMIT_MS = 100;

/** Thrown by isWholeMatch when a match ran past MATCH_TIME_LIMIT_MS (catastrophic backtracking). */
export class MatchTimeoutError extends Error {
  constructor(readonly candidate: string) {
    super(`matching ${JSON.stringify(candidate)} ran past ${MATCH_TIME_LIMIT_MS} ms (catastrophic backtracking; RE2 would not, so the pattern is not used)`);
    this.name = 'MatchTimeoutError';
  }
}

// One context and one compiled script for every bounded match: V8 interrupts a running regexp when the vm
// timeout fires, which a plain exec() cannot offer.
const matchContext = createContext({ re: /(?:)/, candidate: '' });
const matchScript = new Script('re.exec(candidate)');

function boundedExec(re: RegExp, candidate: string): RegExpExecArray | null {
  matchContext['re'] = re;
  matchContext['candidate'] = candidate;
  try {
    return matchScript.runInContext(matchContext, { timeout: MATCH_TIME_LIMIT_MS }) as RegExpExecArray | null;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new MatchTimeoutError(candidate);
    throw error;
  }
}

/**
 * Open-Local's match test, `re.FindString(c) == c`: the leftmost match (leftmost-first, as in both RE2 and JS)
 * must be the whole candidate. Unlike `^(?:re)$`, `a|ab` does not keep "ab", because the leftmost-first match
 * of `a|ab` in "ab" is "a"; we reproduce that so existing configs select exactly what they selected before.
 * @throws {MatchTimeoutError} when the match runs past MATCH_TIME_LIMIT_MS
 */
export function isWholeMatch(re: RegExp, candidate: string): boolean {
  // A fresh copy keeps a caller's /g or /y lastIndex from changing the answer.
  const plain = re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
  const match = boundedExec(plain, candidate);
  return match !== null && match.index === 0 && match[0] === candidate;
}
