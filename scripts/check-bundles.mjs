// Checks every bundle that runs on a board: it must parse as ES5 (es-check, a kept tool, not
// a regex), must not contain TypeScript's downlevel helpers, which need hoisting or Symbol
// (they fail on Espruino and cost heap on Kaluma), and must not use a name before the line
// that declares it while it loads (Espruino does not hoist). Exits non-zero on a problem.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { hoistingProblems } from './hoisting.mjs';
import { KALUMA_ONLY } from '../board/rollup.board.mjs';

const require = createRequire(import.meta.url);
const HELPERS = ['__awaiter', '__generator', '__extends', '__spreadArray', '__asyncValues', '__assign', '__rest',
  '__values', '__read', '__await', '__asyncGenerator', '__makeTemplateObject', '__classPrivateFieldGet'];

/** The board bundles: the library and every demo (Kaluma's and Espruino's). */
export function boardBundles() {
  const files = ['dist/threadsafe.js', 'dist/threadsafe.min.js', 'dist/threadsafe-kaluma.js', 'dist/threadsafe-kaluma.min.js',
    'dist/threadsafe-espruino.js', 'dist/threadsafe-espruino.min.js'];
  for (const dir of ['dist/board', 'dist/espruino']) {
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.js')) files.push(dir + '/' + f);
  }
  return files;
}

/** Names of TypeScript helpers referenced or declared in `source`. */
export function helpersIn(source) {
  const found = new Set();
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  walk.full(ast, (node) => {
    if (node.type === 'Identifier' && HELPERS.includes(node.name)) found.add(node.name);
  });
  return [...found];
}

function main() {
  const files = boardBundles();
  const esCheck = join(dirname(require.resolve('es-check')), 'cli', 'index.js');
  let bad = 0;
  for (const file of files) {
    // A demo written with async functions is compiled to ES2018 for Kaluma only (its first line
    // says so): checked at that level, and not for hoisting, which Kaluma does.
    const kalumaOnly = readFileSync(file, 'utf8').startsWith(KALUMA_ONLY);
    const level = kalumaOnly ? 'es2018' : 'es5';
    try {
      execFileSync(process.execPath, [esCheck, level, file, '--silent'], { stdio: 'pipe' });
    } catch (e) {
      bad++;
      console.error(`${file}: not ${level.toUpperCase()} (es-check):\n${String(e.stdout || '')}${String(e.stderr || '')}`);
      continue;
    }
    const helpers = helpersIn(readFileSync(file, 'utf8'));
    if (helpers.length) {
      bad++;
      console.error(`${file}: contains TypeScript helpers ${helpers.join(', ')}`);
      continue;
    }
    if (kalumaOnly) {
      console.log(`ok ${file}: ES2018 for Kaluma only (async functions), no TypeScript helpers`);
      continue;
    }
    const early = hoistingProblems(readFileSync(file, 'utf8'));
    if (early.length) {
      bad++;
      console.error(`${file}: needs hoisting (fails on Espruino):\n  ${early.join('\n  ')}`);
      continue;
    }
    console.log(`ok ${file}: ES5, no TypeScript helpers, nothing used before its declaration`);
  }
  if (bad) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
