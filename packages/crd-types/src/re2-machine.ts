// Runs a parsed RE2 pattern in time linear in the text: the tree compiles to a Thompson NFA (the instruction
// shapes of Go's regexp/syntax compiler) and a Pike VM walks all its threads in lockstep, in priority order, so
// the answer is Go's leftmost-first match and no input can make it backtrack.
import type { CharTest } from './re2-class.js';
import { isWordChar } from './re2-class.js';
import { isNullable, Re2SyntaxError, type Assertion, type Re2Node } from './re2-syntax.js';

type Inst =
  | { op: 'char'; test: CharTest; next: number }
  | { op: 'split'; first: number; second: number }
  | { op: 'assert'; at: Assertion; next: number }
  | { op: 'match' };

/**
 * Programs larger than this are refused. Go allows about 3 million instructions; a listConfig pattern that needs
 * more than 100,000 (a 100-character group repeated {1000}) is a mistake, and every name would cost as many steps.
 */
export const MAX_INSTRUCTIONS = 100_000;

/** A compiled pattern: its instructions and the entry point. */
export interface Program {
  readonly insts: readonly Inst[];
  readonly start: number;
}

class Compiler {
  readonly insts: Inst[] = [];

  push(inst: Inst): number {
    if (this.insts.length >= MAX_INSTRUCTIONS) throw new Re2SyntaxError(`expression too large: more than ${MAX_INSTRUCTIONS} instructions`);
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  // Compiles `node` so that it continues at `next`; returns its entry. Built back to front, as continuations.
  emit(node: Re2Node, next: number): number {
    switch (node.kind) {
      case 'empty':
        return next;
      case 'char':
        return this.push({ op: 'char', test: node.test, next });
      case 'assert':
        return this.push({ op: 'assert', at: node.at, next });
      case 'concat':
        return node.items.reduceRight((after, item) => this.emit(item, after), next);
      case 'alt':
        return this.alternation(node.items, next);
      case 'repeat':
        return this.repeat(node, next);
    }
  }

  private alternation(items: readonly Re2Node[], next: number): number {
    const entries = items.map((item) => this.emit(item, next));
    return entries.reduceRight((rest, entry) => this.push({ op: 'split', first: entry, second: rest }));
  }

  private split(isGreedy: boolean, body: number, skip: number): Inst {
    return isGreedy ? { op: 'split', first: body, second: skip } : { op: 'split', first: skip, second: body };
  }

  private quest(item: Re2Node, isGreedy: boolean, next: number): number {
    return this.push(this.split(isGreedy, this.emit(item, next), next));
  }

  // x+ : x, then a split back to x or on.
  private plus(item: Re2Node, isGreedy: boolean, next: number): number {
    const loop = this.push({ op: 'match' });
    const body = this.emit(item, loop);
    this.insts[loop] = this.split(isGreedy, body, next);
    return body;
  }

  // x* : a split into x (which returns to the split) or on. When x can match empty Go compiles (x+)? instead,
  // which gives the priority order Perl has (golang.org/issue/46123); we do the same so answers agree.
  private star(item: Re2Node, isGreedy: boolean, next: number): number {
    if (isNullable(item)) return this.push(this.split(isGreedy, this.plus(item, isGreedy, next), next));
    const loop = this.push({ op: 'match' });
    this.insts[loop] = this.split(isGreedy, this.emit(item, loop), next);
    return loop;
  }

  // Go's simplification of counted repeats: x{3,} is xxx+ and x{2,4} is xx(x(x)?)?.
  private repeat(node: Extract<Re2Node, { kind: 'repeat' }>, next: number): number {
    const { item, min, max, isGreedy } = node;
    if (max === 0) return next;
    if (max < 0) {
      if (min === 0) return this.star(item, isGreedy, next);
      let entry = this.plus(item, isGreedy, next);
      for (let k = 1; k < min; k += 1) entry = this.emit(item, entry);
      return entry;
    }
    let optional = next;
    for (let k = min; k < max; k += 1) {
      optional = this.push(this.split(isGreedy, this.emit(item, optional), next));
    }
    let entry = optional;
    for (let k = 0; k < min; k += 1) entry = this.emit(item, entry);
    return entry;
  }
}

/** Compiles a parsed pattern. @throws {Re2SyntaxError} when it needs more than MAX_INSTRUCTIONS */
export function compileProgram(node: Re2Node): Program {
  const compiler = new Compiler();
  const match = compiler.push({ op: 'match' });
  const start = compiler.emit(node, match);
  return { insts: compiler.insts, start };
}

const TEXT_ASSERTIONS: Readonly<Record<Exclude<Assertion, 'wordBoundary' | 'notWordBoundary'>, (text: readonly number[], pos: number) => boolean>> = {
  beginText: (_text, pos) => pos === 0,
  endText: (text, pos) => pos === text.length,
  beginLine: (text, pos) => pos === 0 || text[pos - 1] === 10,
  endLine: (text, pos) => pos === text.length || text[pos] === 10,
};

function assertionHolds(at: Assertion, text: readonly number[], pos: number): boolean {
  if (at !== 'wordBoundary' && at !== 'notWordBoundary') return TEXT_ASSERTIONS[at](text, pos);
  const before = pos > 0 ? (text[pos - 1] as number) : -1;
  const after = pos < text.length ? (text[pos] as number) : -1;
  return (isWordChar(before) !== isWordChar(after)) === (at === 'wordBoundary');
}

/** The threads alive at one position: instruction and where its match started, in priority order. */
class ThreadList {
  readonly pcs: Int32Array;
  readonly starts: Int32Array;
  length = 0;
  constructor(size: number) {
    this.pcs = new Int32Array(size);
    this.starts = new Int32Array(size);
  }
}

/** Where the leftmost-first match lies, in code points, or null. */
export interface MatchSpan {
  readonly start: number;
  readonly end: number;
}

class PikeVm {
  private readonly seen: Int32Array;
  private readonly stack: Int32Array;
  private generation = 0;
  // The position the threads being added stand at (assertions are checked there).
  private addAt = 0;

  private text: readonly number[] = [];
  private current: ThreadList;
  private next: ThreadList;

  constructor(private readonly program: Program) {
    this.seen = new Int32Array(program.insts.length).fill(-1);
    this.stack = new Int32Array(program.insts.length + 1);
    this.current = new ThreadList(program.insts.length);
    this.next = new ThreadList(program.insts.length);
  }

  // Adds the thread at `pc` and everything it reaches without reading, depth first so priority is kept; an
  // instruction already reached at this position by a higher-priority thread is not added again.
  private add(list: ThreadList, pc: number, start: number): void {
    let top = 0;
    this.stack[top++] = pc;
    while (top > 0) {
      const at = this.stack[--top] as number;
      if (this.seen[at] === this.generation) continue;
      this.seen[at] = this.generation;
      const inst = this.program.insts[at] as Inst;
      if (inst.op === 'split') {
        this.stack[top++] = inst.second;
        this.stack[top++] = inst.first;
      } else if (inst.op === 'assert') {
        if (assertionHolds(inst.at, this.text, this.addAt)) this.stack[top++] = inst.next;
      } else {
        list.pcs[list.length] = at;
        list.starts[list.length] = start;
        list.length += 1;
      }
    }
  }

  // Marks from earlier positions (and earlier runs) stop counting.
  private newGeneration(): void {
    this.generation += 1;
    if (this.generation < 2 ** 30) return;
    this.seen.fill(-1);
    this.generation = 0;
  }

  run(text: readonly number[], isAnchored: boolean): MatchSpan | null {
    this.text = text;
    this.newGeneration();
    let { current, next } = this;
    current.length = 0;
    let found: MatchSpan | null = null;
    for (let pos = 0; pos <= this.text.length; pos += 1) {
      this.addAt = pos;
      if (found === null && (!isAnchored || pos === 0)) this.add(current, this.program.start, pos);
      if (current.length === 0 && (found !== null || isAnchored)) break;
      this.newGeneration();
      this.addAt = pos + 1;
      next.length = 0;
      found = this.step(current, next, pos) ?? found;
      [current, next] = [next, current];
    }
    return found;
  }

  // Moves every thread over the character at `pos` into `next`; returns the match a thread reached, if one did.
  private step(current: ThreadList, next: ThreadList, pos: number): MatchSpan | undefined {
    for (let k = 0; k < current.length; k += 1) {
      const inst = this.program.insts[current.pcs[k] as number] as Inst;
      // Lower-priority threads are cut: leftmost-first keeps this match over anything they would find.
      if (inst.op === 'match') return { start: current.starts[k] as number, end: pos };
      if (inst.op === 'char' && pos < this.text.length && inst.test(this.text[pos] as number)) {
        this.add(next, inst.next, current.starts[k] as number);
      }
    }
    return undefined;
  }
}

/**
 * Go's leftmost-first match of the program in `text` (code points), found in O(text × program) time.
 * @param isAnchored only a match starting at 0 counts (what a whole-name test needs)
 */
export function findMatch(program: Program, text: readonly number[], isAnchored: boolean): MatchSpan | null {
  let vm = machines.get(program);
  if (vm === undefined) {
    vm = new PikeVm(program);
    machines.set(program, vm);
  }
  return vm.run(text, isAnchored);
}

// One machine per program, its buffers reused by every match (matching is synchronous, never re-entered).
const machines = new WeakMap<Program, PikeVm>();
