// Parses Go's regexp syntax (RE2, Perl flags: what regexp.Compile accepts) into a syntax tree, refusing what Go
// refuses with a reason in Go's words. Escapes and bracket classes are in re2-escape.ts.
import { anyCharTest, classTest, literalTest, perlClassItem, type CharTest } from './re2-class.js';
import { parseBracketClass, parseEscapeChar, parseUnicodeEscape, type Flags, type Source } from './re2-escape.js';
import { isRepeatWithinBudget, MAX_NESTING, MAX_REPEAT, Re2SyntaxError, type Re2Node } from './re2-syntax.js';

interface RepeatCount {
  min: number;
  max: number;
  end: number;
}

const char = (test: CharTest): Re2Node => ({ kind: 'char', test });

class Parser {
  private flags: Flags = { isFolded: false, isMultiLine: false, dotMatchesNewline: false, isUngreedy: false };
  private depth = 0;

  constructor(private readonly src: Source) {}

  parse(): Re2Node {
    const node = this.alternation();
    if (!this.src.atEnd()) throw new Re2SyntaxError(`unexpected ): \`${this.src.text()}\``);
    if (!isRepeatWithinBudget(node, MAX_REPEAT)) throw new Re2SyntaxError(`invalid repeat count: \`${this.src.text()}\``);
    return node;
  }

  private alternation(): Re2Node {
    const branches = [this.concat()];
    while (this.src.peek() === '|') {
      this.src.skip(1);
      branches.push(this.concat());
    }
    return branches.length === 1 ? (branches[0] as Re2Node) : { kind: 'alt', items: branches };
  }

  private concat(): Re2Node {
    const items: Re2Node[] = [];
    let lastRepeat = '';
    while (!this.src.atEnd() && this.src.peek() !== '|' && this.src.peek() !== ')') {
      const start = this.src.pos;
      const isRepeat = this.repetition(items, lastRepeat);
      if (!isRepeat) this.atom(items);
      lastRepeat = isRepeat ? this.src.slice(start) : '';
    }
    return items.length === 1 ? (items[0] as Re2Node) : items.length === 0 ? { kind: 'empty' } : { kind: 'concat', items };
  }

  // `*`, `+`, `?` or a well-formed `{n,m}` applied to the last item; false when the next token is none of them.
  private repetition(items: Re2Node[], lastRepeat: string): boolean {
    const start = this.src.pos;
    const bounds = this.repeatBounds();
    if (bounds === undefined) return false;
    const isLazy = this.src.peek() === '?';
    if (isLazy) this.src.skip(1);
    const op = this.src.slice(start);
    if (lastRepeat !== '') throw new Re2SyntaxError(`invalid nested repetition operator: \`${lastRepeat}${op}\``);
    const item = items.pop();
    if (item === undefined) throw new Re2SyntaxError(`missing argument to repetition operator: \`${op}\``);
    items.push({ kind: 'repeat', item, min: bounds.min, max: bounds.max, isGreedy: isLazy === this.flags.isUngreedy });
    return true;
  }

  // The bounds of the repetition operator at the position (consumed), or undefined when none is there.
  private repeatBounds(): { min: number; max: number } | undefined {
    const c = this.src.peek();
    const simple = ({ '*': [0, -1], '+': [1, -1], '?': [0, 1] } as const)[c as '*' | '+' | '?'] as readonly [number, number] | undefined;
    if (simple !== undefined) {
      this.src.skip(1);
      return { min: simple[0], max: simple[1] };
    }
    const count = c === '{' ? this.repeatCount() : undefined;
    if (count === undefined) return undefined;
    if (count.min > MAX_REPEAT || count.max > MAX_REPEAT || (count.max >= 0 && count.min > count.max)) {
      throw new Re2SyntaxError(`invalid repeat count: \`${this.src.slice(this.src.pos, count.end)}\``);
    }
    this.src.pos = count.end;
    return count;
  }

  // Go's parseRepeat: `{n}`, `{n,}`, `{n,m}` with digits and no leading zero; anything else leaves `{` a literal.
  private repeatCount(): RepeatCount | undefined {
    const match = /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.exec(this.src.rest());
    if (match === null) return undefined;
    const end = this.src.pos + match[0].length;
    const min = Number(match[1]);
    if (match[2] === undefined) return { min, max: min, end };
    return { min, max: match[3] === undefined ? -1 : Number(match[3]), end };
  }

  private atom(items: Re2Node[]): void {
    const c = this.src.peek();
    if (c === '(') {
      const group = this.group();
      if (group !== undefined) items.push(group);
      return;
    }
    if (c === '[') return void items.push(char(parseBracketClass(this.src, this.flags)));
    if (c === '\\') return this.escape(items);
    this.src.skip(1);
    items.push(this.plainAtom(c));
  }

  // `.`, `^`, `$` or a literal character.
  private plainAtom(c: string): Re2Node {
    const { isMultiLine, dotMatchesNewline, isFolded } = this.flags;
    if (c === '.') return char(anyCharTest(dotMatchesNewline));
    if (c === '^') return { kind: 'assert', at: isMultiLine ? 'beginLine' : 'beginText' };
    if (c === '$') return { kind: 'assert', at: isMultiLine ? 'endLine' : 'endText' };
    return char(literalTest(c.codePointAt(0) ?? 0, isFolded));
  }

  private escape(items: Re2Node[]): void {
    const next = this.src.peek(1);
    const assertions = { A: 'beginText', z: 'endText', b: 'wordBoundary', B: 'notWordBoundary' } as const;
    if (next in assertions) {
      this.src.skip(2);
      return void items.push({ kind: 'assert', at: assertions[next as keyof typeof assertions] });
    }
    if (next === 'C') throw new Re2SyntaxError('invalid escape sequence: `\\C`');
    if (next === 'Q') return this.quoted(items);
    const unicode = parseUnicodeEscape(this.src);
    if (unicode !== undefined) return void items.push(char(classTest([unicode], { isFolded: this.flags.isFolded, isNegated: false })));
    const perl = perlClassItem(next);
    if (perl !== undefined) {
      this.src.skip(2);
      return void items.push(char(classTest([perl], { isFolded: this.flags.isFolded, isNegated: false })));
    }
    items.push(char(literalTest(parseEscapeChar(this.src), this.flags.isFolded)));
  }

  // \Q...\E: literal characters up to \E or the end of the pattern.
  private quoted(items: Re2Node[]): void {
    this.src.skip(2);
    const rest = this.src.rest();
    const end = rest.indexOf('\\E');
    const text = end < 0 ? rest : rest.slice(0, end);
    for (const c of text) items.push(char(literalTest(c.codePointAt(0) ?? 0, this.flags.isFolded)));
    this.src.pos += text.length + (end < 0 ? 0 : 2);
  }

  // A group, or a flag setting `(?i)` (undefined: it changes the flags for the rest of the enclosing group).
  private group(): Re2Node | undefined {
    const rest = this.src.rest();
    if (rest.startsWith('(?P<') || rest.startsWith('(?<')) {
      const end = rest.indexOf('>');
      const name = end < 0 ? '' : rest.slice(rest.startsWith('(?P<') ? 4 : 3, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Re2SyntaxError(`invalid named capture: \`${end < 0 ? rest : rest.slice(0, end + 1)}\``);
      this.src.pos += end + 1;
      return this.groupBody(this.flags);
    }
    if (!rest.startsWith('(?')) {
      this.src.skip(1);
      return this.groupBody(this.flags);
    }
    return this.flagGroup();
  }

  private flagGroup(): Re2Node | undefined {
    const match = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.src.rest());
    if (match === null || (match[2] !== undefined && match[2] === '')) {
      throw new Re2SyntaxError(`invalid or unsupported Perl syntax: \`${this.src.rest().slice(0, 3)}\``);
    }
    const flags = { ...this.flags };
    const set = (letters: string, on: boolean): void => {
      if (letters.includes('i')) flags.isFolded = on;
      if (letters.includes('m')) flags.isMultiLine = on;
      if (letters.includes('s')) flags.dotMatchesNewline = on;
      if (letters.includes('U')) flags.isUngreedy = on;
    };
    set(match[1] ?? '', true);
    set(match[2] ?? '', false);
    this.src.pos += match[0].length;
    if (match[3] === ')') {
      this.flags = flags;
      return undefined;
    }
    return this.groupBody(flags);
  }

  // The inside of a group up to its `)`; flags set inside end with it.
  private groupBody(flags: Flags): Re2Node {
    const outer = this.flags;
    const start = this.src.pos;
    this.depth += 1;
    if (this.depth > MAX_NESTING) throw new Re2SyntaxError(`expression nests too deeply: \`${this.src.text()}\``);
    this.flags = { ...flags };
    const node = this.alternation();
    if (this.src.peek() !== ')') throw new Re2SyntaxError(`missing closing ): \`${this.src.text().slice(Math.max(0, start - 1))}\``);
    this.src.skip(1);
    this.depth -= 1;
    this.flags = outer;
    return node;
  }
}

/** Parses one pattern in Go's syntax. @throws {Re2SyntaxError} where Go's regexp.Compile would fail */
export function parseRe2(pattern: string): Re2Node {
  return new Parser(new SourceText(pattern)).parse();
}

class SourceText implements Source {
  pos = 0;
  constructor(private readonly pattern: string) {}
  atEnd(): boolean {
    return this.pos >= this.pattern.length;
  }
  /** The code point at pos + ahead, as a string ('' past the end); `ahead` counts code points. */
  peek(ahead = 0): string {
    let at = this.pos;
    for (let k = 0; k < ahead && at < this.pattern.length; k += 1) at += (this.pattern.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
    const cp = this.pattern.codePointAt(at);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }
  skip(count: number): void {
    for (let k = 0; k < count; k += 1) this.pos += this.peek().length || 1;
  }
  rest(): string {
    return this.pattern.slice(this.pos);
  }
  slice(start: number, end = this.pos): string {
    return this.pattern.slice(start, end);
  }
  text(): string {
    return this.pattern;
  }
}
