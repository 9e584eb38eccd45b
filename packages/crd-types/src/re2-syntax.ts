// The syntax tree of an RE2 pattern, and Go's limits on it. Produced by re2-parser.ts, compiled by re2-machine.ts.
import type { CharTest } from './re2-class.js';

/** Zero-width assertions: `\A` / `^`, `\z` / `$`, `(?m)^`, `(?m)$`, `\b`, `\B`. */
export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';

/** A parsed pattern. Captures are plain groups here: a boolean match needs no submatch positions. */
export type Re2Node =
  | { readonly kind: 'empty' }
  | { readonly kind: 'char'; readonly test: CharTest }
  | { readonly kind: 'assert'; readonly at: Assertion }
  | { readonly kind: 'concat'; readonly items: readonly Re2Node[] }
  | { readonly kind: 'alt'; readonly items: readonly Re2Node[] }
  /** `max` -1 means unbounded. */
  | { readonly kind: 'repeat'; readonly item: Re2Node; readonly min: number; readonly max: number; readonly isGreedy: boolean };

/** Go refuses `{n,m}` with n or m above this, and nested counts whose product passes it. */
export const MAX_REPEAT = 1000;

/** Go refuses patterns nested deeper than this. */
export const MAX_NESTING = 1000;

/** A pattern Go would refuse, or one this matcher will not compile; `message` reads like Go's. */
export class Re2SyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Re2SyntaxError';
  }
}

/**
 * Go's repeatIsValid: a repetition with its inner repetitions may make at most `budget` copies of anything
 * (`(a{100}){20}` is refused: 2000 copies).
 */
export function isRepeatWithinBudget(node: Re2Node, budget: number): boolean {
  let rest = budget;
  if (node.kind === 'repeat') {
    if (node.max === 0) return true;
    const copies = node.max < 0 ? node.min : node.max;
    if (copies > rest) return false;
    if (copies > 0) rest = Math.floor(rest / copies);
    return isRepeatWithinBudget(node.item, rest);
  }
  if (node.kind === 'concat' || node.kind === 'alt') return node.items.every((item) => isRepeatWithinBudget(item, rest));
  return true;
}

/** Whether the node can match without consuming a character (Go's `nullable`, which decides how `*` compiles). */
export function isNullable(node: Re2Node): boolean {
  switch (node.kind) {
    case 'empty':
    case 'assert':
      return true;
    case 'char':
      return false;
    case 'concat':
      return node.items.every(isNullable);
    case 'alt':
      return node.items.some(isNullable);
    case 'repeat':
      return node.min === 0 || isNullable(node.item);
  }
}
