// Character tests for the RE2 matcher: one code point in, yes or no out. Classes are unions of items (ranges,
// Perl and POSIX classes, Unicode properties), each optionally negated, with Go's case folding applied per item
// before its negation and the class's own `^` applied last.

/** Decides whether one code point belongs to a character class, a literal or `.`. */
export type CharTest = (codePoint: number) => boolean;

/** One member of a class: a set of ranges or a Unicode property, possibly negated (`\W`, `[:^alpha:]`, `\PL`). */
export interface ClassItem {
  /** The member as the body of a JS `u`-mode character class, e.g. `\u{30}-\u{39}` or `\p{L}`. */
  readonly body: string;
  readonly isNegated: boolean;
}

type Range = readonly [number, number];

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** A class body holding exactly these inclusive code point ranges, whatever the characters are. */
export function rangesBody(ranges: readonly Range[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

const c = (s: string): number => s.codePointAt(0) ?? 0;
const DIGIT: Range = [c('0'), c('9')];
const UPPER: Range = [c('A'), c('Z')];
const LOWER: Range = [c('a'), c('z')];

// RE2's Perl classes are ASCII; its \s is [\t\n\f\r ] (no \v).
const PERL_CLASSES: Readonly<Record<string, readonly Range[]>> = {
  d: [DIGIT],
  s: [[9, 10], [12, 13], [32, 32]],
  w: [DIGIT, UPPER, LOWER, [95, 95]],
};

// RE2's POSIX classes inside brackets, `[[:digit:]]`, all ASCII.
const POSIX_CLASSES: Readonly<Record<string, readonly Range[]>> = {
  alnum: [DIGIT, UPPER, LOWER],
  alpha: [UPPER, LOWER],
  ascii: [[0, 0x7f]],
  blank: [[9, 9], [32, 32]],
  cntrl: [[0, 0x1f], [0x7f, 0x7f]],
  digit: [DIGIT],
  graph: [[0x21, 0x7e]],
  lower: [LOWER],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[9, 13], [32, 32]],
  upper: [UPPER],
  word: [DIGIT, UPPER, LOWER, [95, 95]],
  xdigit: [DIGIT, [c('A'), c('F')], [c('a'), c('f')]],
};

/** `\d` `\D` `\s` `\S` `\w` `\W`, or undefined for another letter. */
export function perlClassItem(letter: string): ClassItem | undefined {
  const ranges = PERL_CLASSES[letter.toLowerCase()];
  return ranges === undefined ? undefined : { body: rangesBody(ranges), isNegated: letter !== letter.toLowerCase() };
}

/** `alpha` or `^alpha` as written between `[:` and `:]`, or undefined for an unknown name. */
export function posixClassItem(name: string): ClassItem | undefined {
  const isNegated = name.startsWith('^');
  const ranges = POSIX_CLASSES[isNegated ? name.slice(1) : name];
  return ranges === undefined ? undefined : { body: rangesBody(ranges), isNegated };
}

// Go's unicode.Categories keys (LC is handled with the special names).
const CATEGORIES = new Set('C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '));
const SPECIAL_NAMES: Readonly<Record<string, string>> = { Any: 'Any', Assigned: 'Assigned', Ascii: 'ASCII', Lc: 'LC' };

// Go looks names up ignoring case, `_`, `-` and spaces: the first letter upper, the rest lower, separators as spaces.
function canonicalName(name: string): string {
  const spaced = name.replace(/[_\- ]/g, ' ');
  const first = spaced.search(/[^ ]/);
  if (first < 0) return spaced;
  return spaced.slice(0, first) + spaced.charAt(first).toUpperCase() + spaced.slice(first + 1).toLowerCase();
}

function compiles(body: string): boolean {
  try {
    new RegExp(`[${body}]`, 'u');
    return true;
  } catch {
    return false;
  }
}

const titleWords = (canonical: string): string => canonical.split(' ').filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('_');

/**
 * The JS property for a Unicode class name as Go resolves it: a general category (`L`, `Lu`), a script
 * (`Greek`), a category alias (`Letter`), or `Any`, `Assigned`, `ASCII`, `LC`; undefined when Go knows no such name.
 */
export function unicodePropertyBody(name: string): string | undefined {
  const canonical = canonicalName(name);
  const special = SPECIAL_NAMES[canonical];
  if (special !== undefined) return `\\p{${special}}`;
  if (CATEGORIES.has(canonical)) return `\\p{${canonical}}`;
  if (canonical === '' || !/^[A-Za-z0-9 ]+$/.test(canonical)) return undefined;
  const script = `\\p{Script=${titleWords(canonical)}}`;
  if (compiles(script)) return script;
  const alias = `\\p{General_Category=${titleWords(canonical)}}`;
  return compiles(alias) ? alias : undefined;
}

// A test backed by a one-character JS regexp (which cannot backtrack), with the answers for ASCII remembered.
function singleCharTest(body: string, isFolded: boolean): CharTest {
  const re = new RegExp(`^[${body}]$`, isFolded ? 'iu' : 'u');
  const ascii = new Int8Array(128);
  return (cp) => {
    if (cp < 128) {
      if (ascii[cp] === 0) ascii[cp] = re.test(String.fromCodePoint(cp)) ? 1 : 2;
      return ascii[cp] === 1;
    }
    return re.test(String.fromCodePoint(cp));
  };
}

/**
 * A bracket class, `\d`, `\pL` and the like. Under `(?i)` each item matches a code point when it holds any case
 * variant of it (Unicode simple case folding, as Go's orbits and JS's `iu` both define it).
 */
export function classTest(items: readonly ClassItem[], options: { isFolded: boolean; isNegated: boolean }): CharTest {
  const positive = items.filter((item) => !item.isNegated).map((item) => item.body).join('');
  const tests: CharTest[] = positive === '' ? [] : [singleCharTest(positive, options.isFolded)];
  for (const item of items.filter((i) => i.isNegated)) {
    const inner = singleCharTest(item.body, options.isFolded);
    tests.push((cp) => !inner(cp));
  }
  if (tests.length === 1 && !options.isNegated) return tests[0] as CharTest;
  return (cp) => tests.some((test) => test(cp)) !== options.isNegated;
}

/** One literal code point, folded under `(?i)`. */
export function literalTest(cp: number, isFolded: boolean): CharTest {
  if (!isFolded) return (x) => x === cp;
  return classTest([{ body: rangesBody([[cp, cp]]), isNegated: false }], { isFolded: true, isNegated: false });
}

/** `.`: any code point but `\n`, or any at all under `(?s)`. */
export function anyCharTest(matchesNewline: boolean): CharTest {
  return matchesNewline ? () => true : (cp) => cp !== 10;
}

/** RE2's word characters for `\b` and `\B`: ASCII letters, digits and `_`. */
export function isWordChar(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95;
}
