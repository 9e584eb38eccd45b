// Finds the external commands the project's scripts and TypeScript run, as text: the first word of each simple
// command in a bash script, the program of an exec-style call or argv array in TypeScript, and absolute paths
// to programs. Pure: the caller reads the files and decides what each name is (check.ts).
import ts from 'typescript';

/** Where a name was seen, and how sure the scan is that it names a program. */
export interface CommandUse {
  name: string;
  file: string;
  line: number;
  /**
   * `path`: an absolute path to a program (it must exist); `word`: a name in command position or at the head
   * of an argv array, which may also be a shell function, a builtin or plain data (checked only if it resolves).
   */
  kind: 'path' | 'word';
}

const COMMAND_NAME = /^[a-z][a-z0-9._+-]*$/;
const PROGRAM_PATH = /^\/(?:usr\/)?(?:local\/)?s?bin\/[A-Za-z0-9._+-]+$|^\/usr\/lib\/cni\/[a-z0-9-]+$|^\/usr\/libexec\/[A-Za-z0-9._+/-]+$/;
// Calls whose first string argument is the program (node:child_process and the project's run helpers).
const EXEC_CALLS = new Set(['execFile', 'execFileSync', 'spawn', 'spawnSync', 'run', 'runHost', 'runHostText', 'runCommand', 'exec']);
const CHILD_PROCESS_CALLS = new Set(['execFile', 'execFileSync', 'spawn', 'spawnSync']);

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The program a call runs when it has the shape `execFile('prog', [...])` or `spawn('prog', ...)`. */
function execCallProgram(call: ts.CallExpression): ts.StringLiteralLike | undefined {
  const name = calleeName(call);
  const [first, second] = call.arguments;
  if (name === undefined || !EXEC_CALLS.has(name) || first === undefined || !ts.isStringLiteralLike(first)) return undefined;
  // run('key', () => …) is a keyed serializer, not a program: a program call passes argv (or is child_process).
  return CHILD_PROCESS_CALLS.has(name) || (second !== undefined && ts.isArrayLiteralExpression(second)) ? first : undefined;
}

/** Command uses in one TypeScript or JavaScript file. */
export function scanTypeScript(file: string, text: string): CommandUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const uses: CommandUse[] = [];
  const add = (node: ts.Node, name: string, kind: CommandUse['kind']) => {
    uses.push({ name, file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, kind });
  };
  // The argument arrays of exec calls: their heads are arguments, not programs.
  const argumentArrays = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && PROGRAM_PATH.test(node.text)) add(node, node.text, 'path');
    if (ts.isCallExpression(node)) {
      const program = execCallProgram(node);
      if (program !== undefined && COMMAND_NAME.test(program.text)) add(program, program.text, 'word');
      if (program !== undefined && node.arguments[1] !== undefined) argumentArrays.add(node.arguments[1]);
    }
    // `process.env.OPENLOCAL_QEMU ?? 'qemu-system-x86_64'`: an overridable program's default.
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken && ts.isStringLiteralLike(node.right)
      && node.left.getText(source).startsWith('process.env.') && COMMAND_NAME.test(node.right.text)) add(node.right, node.right.text, 'word');
    if (ts.isArrayLiteralExpression(node) && !argumentArrays.has(node)) {
      const [head] = node.elements;
      if (head !== undefined && ts.isStringLiteralLike(head) && COMMAND_NAME.test(head.text)) add(head, head.text, 'word');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

// Words that start a simple command without being its program.
const SHELL_PREFIXES = new Set(['then', 'else', 'elif', 'do', 'while', 'until', 'if', '!', 'time', 'exec', 'env', 'nohup', 'setsid', 'timeout']);
// Segments that are no command at all, or that only ask whether a command exists.
const SHELL_NON_COMMANDS = new Set(['for', 'case', 'select', 'function', 'command', 'type', 'hash', 'in', 'esac', 'fi', 'done']);
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

interface Lexed { code: string; end: number }

// A line break inside one command (quoted text, a continuation): counted for line numbers, not a separator.
const LINE = '\u0001';

function linesIn(text: string, start: number, end: number): string {
  return LINE.repeat(text.slice(start, end).split('\n').length - 1);
}

/**
 * The script with quoted text reduced to a placeholder word `Q` (so `echo "a; b"` stays one command), comments
 * dropped, and command substitutions inside double quotes kept as code. Stops at an unmatched `)` when nested.
 */
function lexShell(text: string, start: number, isNested: boolean): Lexed {
  let code = '';
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') { code += text[i + 1] === '\n' ? ` ${LINE}` : 'Q'; i += 2; continue; }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close + 1;
      code += `Q${linesIn(text, i, end)}`;
      i = end;
      continue;
    }
    if (c === '"') {
      const lexed = lexDoubleQuoted(text, i + 1);
      // Line breaks the substitutions inside already carry are not counted twice.
      const carried = lexed.code.split('\n').length - 1 + lexed.code.split(LINE).length - 1;
      code += `${lexed.code}${linesIn(text, i, lexed.end).slice(carried)}`;
      i = lexed.end;
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;|&(]/.test(text[i - 1] as string))) { const eol = text.indexOf('\n', i); i = eol < 0 ? text.length : eol; continue; }
    if (text.startsWith('((', i) || text.startsWith('$((', i)) {
      // Arithmetic names variables, not programs.
      const close = text.indexOf('))', i);
      code += 'Q';
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')') {
      if (isNested && depth === 0) return { code, end: i + 1 };
      depth -= 1;
    }
    code += c;
    i += 1;
  }
  return { code, end: i };
}

function lexDoubleQuoted(text: string, start: number): Lexed {
  let code = 'Q';
  let i = start;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') { i += 2; continue; }
    if (text.startsWith('$(', i) && !text.startsWith('$((', i)) {
      const inner = lexShell(text, i + 2, true);
      code += ` ; ${inner.code} ; `;
      i = inner.end;
      continue;
    }
    i += 1;
  }
  return { code, end: i + 1 };
}

/** The script without heredoc bodies (their lines are data, not commands), line numbers kept. */
function dropHeredocBodies(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const terminator = HEREDOC.exec(lines[i] as string)?.[2];
    if (terminator === undefined) continue;
    for (i += 1; i < lines.length && (lines[i] as string).trim() !== terminator; i += 1) lines[i] = '';
  }
  return lines.join('\n');
}

/** The program word of one simple command (its words in order), or undefined when it runs none. */
function programOf(words: readonly string[]): string | undefined {
  let index = 0;
  while (index < words.length) {
    const word = words[index] as string;
    if (SHELL_NON_COMMANDS.has(word)) return undefined;
    if (SHELL_PREFIXES.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || /^-/.test(word) && index > 0) { index += 1; continue; }
    return word;
  }
  return undefined;
}

/** Names of the shell functions a script defines (they are not programs). */
export function shellFunctions(text: string): string[] {
  return [...text.matchAll(/^\s*(?:function\s+([A-Za-z_][A-Za-z0-9_-]*)|([A-Za-z_][A-Za-z0-9_-]*)\s*\(\))/gm)].map((m) => (m[1] ?? m[2]) as string);
}

/**
 * Command uses in one bash script: the program of each simple command, and absolute program paths. A call of
 * one of `functions` (the scripts' own, such as `start NAME PROGRAM ARGS`) may run any of its words, so each of
 * them is a use too.
 */
export function scanShell(file: string, text: string, functions: ReadonlySet<string> = new Set()): CommandUse[] {
  const { code } = lexShell(dropHeredocBodies(text), 0, false);
  const uses: CommandUse[] = [];
  let line = 1;
  // Separators of simple commands; `$(` and `(` open a new one, `\n` also counts the line.
  for (const segment of code.split(/(\n)|[;&|(){}`]/)) {
    if (segment === '\n') { line += 1; continue; }
    if (segment === undefined) continue;
    const here = line;
    line += segment.split(LINE).length - 1;
    const words = segment.replaceAll(LINE, ' ').trim().split(/\s+/).filter((w) => w !== '' && w !== '$');
    const program = programOf(words);
    if (program === undefined) continue;
    const candidates = functions.has(program) ? words.slice(words.indexOf(program) + 1) : [program];
    for (const word of candidates) {
      if (PROGRAM_PATH.test(word)) uses.push({ name: word, file, line: here, kind: 'path' });
      else if (COMMAND_NAME.test(word) && !functions.has(word)) uses.push({ name: word, file, line: here, kind: 'word' });
    }
  }
  return uses;
}
