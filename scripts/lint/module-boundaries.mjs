// ESLint rule "openlocal/module-boundaries": the package graph of shared/STYLE.md §1, from the nx tags in each
// workspace package.json (what @nx/enforce-module-boundaries checks, without its plugin):
//   type:lib  imports only type:lib packages;
//   type:app  imports type:lib packages, and type:e2e (the harnesses) from test code only — never another app;
//   type:e2e  imports only type:lib packages;
// production code (an app's or library's src/, not its tests) imports no `…/testing` entry point; and no file
// reaches into another workspace package by relative path (`../../../e2e/cluster/index.js`): import it by name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Workspace packages: `{ name, root (absolute), tags }`, read from `<repo>/packages/*` and `<repo>/e2e`.
 * @param {string} repoRoot
 * @returns {{ name: string, root: string, tags: string[] }[]}
 */
export function readProjects(repoRoot) {
  const roots = [join(repoRoot, 'e2e'), ...readdirSync(join(repoRoot, 'packages')).map((dir) => join(repoRoot, 'packages', dir))];
  return roots
    .filter((root) => existsSync(join(root, 'package.json')))
    .map((root) => {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      return { name: manifest.name, root, tags: manifest.nx?.tags ?? [] };
    });
}

function projectOf(projects, file) {
  return projects.find((p) => file === p.root || file.startsWith(p.root + sep));
}

function kindOf(project) {
  for (const kind of ['lib', 'app', 'e2e']) if (project.tags.includes(`type:${kind}`)) return kind;
  return undefined;
}

/** Test code: all of e2e, and anything of a package outside src/ or a *.test.ts / test-support file in it. */
export function isTestFile(project, file) {
  if (kindOf(project) === 'e2e') return true;
  const inside = relative(project.root, file).split(sep);
  if (inside[0] !== 'src') return true;
  return /\.test\.ts$/.test(file) || inside.includes('test-support') || inside.includes('testing') || inside.at(-1) === 'testing.ts';
}

const ALLOWED = { lib: ['lib'], app: ['lib'], e2e: ['lib'] };

/**
 * Why importing `source` from `file` breaks the graph, or null. Pure, for the rule and its tests.
 * @param {{ name: string, root: string, tags: string[] }[]} projects
 * @param {string} file
 * @param {string} source
 * @returns {string | null}
 */
export function boundaryProblem(projects, file, source) {
  const self = projectOf(projects, file);
  if (self === undefined) return null;
  if (source.startsWith('.')) {
    const target = projectOf(projects, resolve(dirname(file), source));
    return target !== undefined && target !== self ? `reaches into ${target.name} by relative path; import it by name (${target.name}${'/…'})` : null;
  }
  const match = /^(@openlocal\/[^/]+)(?:\/(.+))?$/.exec(source);
  if (match === null) return null;
  const target = projects.find((p) => p.name === match[1]);
  if (target === undefined) return null;
  const isTest = isTestFile(self, file);
  if (match[2] === 'testing' && !isTest) return `${source} is a test double; production code may not import it`;
  if (target === self) return null;
  const [from, to] = [kindOf(self), kindOf(target)];
  if (from === undefined || to === undefined) return `${self.name} or ${target.name} has no nx type tag`;
  if (ALLOWED[from].includes(to)) return null;
  if (from === 'app' && to === 'e2e' && isTest) return null;
  if (from === 'app' && to === 'e2e') return `${self.name}'s production code may not import the test harness ${target.name}`;
  return `a type:${from} package (${self.name}) may not import a type:${to} package (${target.name})`;
}

/**
 * The ESLint rule; `repoRoot` is where packages/ and e2e/ live.
 * @param {string} repoRoot
 * @returns {import('eslint').Rule.RuleModule}
 */
export function moduleBoundariesRule(repoRoot) {
  const projects = readProjects(repoRoot);
  return {
    meta: { type: 'problem', docs: { description: 'the nx package graph: libs, apps and harnesses import only what their tags allow' }, schema: [] },
    create(context) {
      const check = (node) => {
        const source = node.source;
        if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
        const problem = boundaryProblem(projects, context.filename, source.value);
        if (problem !== null) context.report({ node: source, message: `Module boundary: ${problem}.` });
      };
      return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
    },
  };
}
