// RE2 escapes and bracket classes as Go's regexp/syntax reads them: octal and hex escapes, escaped punctuation,
// `\pL` / `\p{Greek}`, `[[:alpha:]]`, `[^a-z\d]`. Everything else a backslash starts is refused, as Go does.
import { classTest, perlClassItem, posixClassItem, rangesBody, unicodePropertyBody, type CharTest, type ClassItem } from './re2-class.js';
import { Re2SyntaxError } from './re2-syntax.js';

/** The flags in force where a piece of the pattern is read. */
export interface Flags {
  isFolded: boolean;
  isMultiLine: boolean;
  dotMatchesNewline: boolean;
  isUngreedy: boolean;
}

/** The pattern being read, positioned in UTF-16 units; peek/skip step over whole code points. */
export interface Source {
  pos: number;
  atEnd(): boolean;
  peek(ahead?: number): string;
  skip(count: number): void;
  rest(): string;
  slice(start: number, end?: number): string;
  text(): string;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const isOctal = (c: string): boolean => c >= '0' && c <= '7';
const isHex = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);

function invalidEscape(src: Source, start: number): never {
  throw new Re2SyntaxError(`invalid escape sequence: \`${src.slice(start)}\``);
}

// \0, \012, \12: up to three octal digits; a lone \1..\7 would be a backreference, which RE2 does not have.
function octalEscape(src: Source, start: number, first: string): number {
  if (first !== '0' && !isOctal(src.peek(1))) invalidEscape(src, start);
  let value = 0;
  for (let digits = 0; digits < 3 && isOctal(src.peek()); digits += 1) {
    value = value * 8 + Number(src.peek());
    src.skip(1);
  }
  return value;
}

// \x41 (exactly two digits) or \x{10FFFF}.
function hexEscape(src: Source, start: number): number {
  if (src.peek() !== '{') {
    const digits = src.peek() + src.peek(1);
    if (!isHex(src.peek()) || !isHex(src.peek(1))) invalidEscape(src, start);
    src.skip(2);
    return parseInt(digits, 16);
  }
  src.skip(1);
  let digits = '';
  while (isHex(src.peek())) {
    digits += src.peek();
    src.skip(1);
  }
  const value = digits === '' ? -1 : parseInt(digits, 16);
  if (src.peek() !== '}' || value < 0 || value > 0x10ffff) invalidEscape(src, start);
  src.skip(1);
  return value;
}

/** One escaped character (`\n`, `\x41`, `\.`) at `\`, consumed; refuses what Go refuses. */
export function parseEscapeChar(src: Source): number {
  const start = src.pos;
  src.skip(1);
  if (src.atEnd()) throw new Re2SyntaxError('trailing backslash at end of expression');
  const c = src.peek();
  if (c >= '0' && c <= '7') return octalEscape(src, start, c);
  src.skip(1);
  if (c === 'x') return hexEscape(src, start);
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return simple;
  // Escaped ASCII punctuation stands for itself; letters, digits and non-ASCII characters do not.
  if (c.length === 1 && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return c.charCodeAt(0);
  return invalidEscape(src, start);
}

/** `\pL`, `\PL`, `\p{Greek}`, `\p{^Greek}` at the position, consumed; undefined when none starts there. */
export function parseUnicodeEscape(src: Source): ClassItem | undefined {
  const letter = src.peek(1);
  if (src.peek() !== '\\' || (letter !== 'p' && letter !== 'P')) return undefined;
  const start = src.pos;
  let name: string;
  if (src.peek(2) === '{') {
    const end = src.rest().indexOf('}');
    if (end < 0) throw new Re2SyntaxError(`invalid character class range: \`${src.rest()}\``);
    name = src.rest().slice(3, end);
    src.pos += end + 1;
  } else {
    name = src.peek(2);
    src.skip(3);
  }
  const isNegated = name.startsWith('^') !== (letter === 'P');
  const body = unicodePropertyBody(name.startsWith('^') ? name.slice(1) : name);
  if (body === undefined) throw new Re2SyntaxError(`invalid character class range: \`${src.slice(start)}\``);
  return { body, isNegated };
}

// `[:alpha:]` / `[:^alpha:]` at the position (consumed), undefined when no `:]` follows; unknown names are refused.
function posixClass(src: Source): ClassItem | undefined {
  const end = src.rest().indexOf(':]', 2);
  if (end < 0) return undefined;
  const item = posixClassItem(src.rest().slice(2, end));
  if (item === undefined) throw new Re2SyntaxError(`invalid character class range: \`${src.rest().slice(0, end + 2)}\``);
  src.pos += end + 2;
  return item;
}

function classChar(src: Source, classStart: number): number {
  if (src.atEnd()) throw new Re2SyntaxError(`missing closing ]: \`${src.slice(classStart)}\``);
  if (src.peek() === '\\') return parseEscapeChar(src);
  const c = src.peek().codePointAt(0) ?? 0;
  src.skip(1);
  return c;
}

// A named, Unicode or Perl class at the position (consumed), or undefined.
function namedMember(src: Source): ClassItem | undefined {
  const posix = src.peek() === '[' && src.peek(1) === ':' ? posixClass(src) : undefined;
  if (posix !== undefined) return posix;
  const unicode = parseUnicodeEscape(src);
  if (unicode !== undefined) return unicode;
  const perl = src.peek() === '\\' ? perlClassItem(src.peek(1)) : undefined;
  if (perl !== undefined) src.skip(2);
  return perl;
}

// One member of the class: a named class, or a character or range `a-z` (`a-]` is `a` and `-`).
function classMember(src: Source, classStart: number): ClassItem {
  const named = namedMember(src);
  if (named !== undefined) return named;
  const rangeStart = src.pos;
  const lo = classChar(src, classStart);
  let hi = lo;
  if (src.peek() === '-' && src.peek(1) !== ']' && src.peek(1) !== '') {
    src.skip(1);
    hi = classChar(src, classStart);
    if (hi < lo) throw new Re2SyntaxError(`invalid character class range: \`${src.slice(rangeStart)}\``);
  }
  return { body: rangesBody([[lo, hi]]), isNegated: false };
}

/** A bracket class `[...]` at the position, consumed. In Go's Perl mode `[^a]` matches `\n` too. */
export function parseBracketClass(src: Source, flags: Flags): CharTest {
  const classStart = src.pos;
  src.skip(1);
  const isNegated = src.peek() === '^';
  if (isNegated) src.skip(1);
  const items: ClassItem[] = [];
  let isFirst = true;
  while (isFirst || src.peek() !== ']') {
    if (src.atEnd()) throw new Re2SyntaxError(`missing closing ]: \`${src.slice(classStart)}\``);
    isFirst = false;
    items.push(classMember(src, classStart));
  }
  src.skip(1);
  return classTest(items, { isFolded: flags.isFolded, isNegated });
}
