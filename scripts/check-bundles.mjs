// Checks every bundle that runs on a board: it must parse as ES5 (acorn at ecmaVersion 5, not
// a regex), must not contain TypeScript's downlevel helpers, which need hoisting or Symbol
// (they fail on Espruino and cost heap on Kaluma), and must not use a name before the line
// that declares it while it loads (Espruino does not hoist). Exits non-zero on a problem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { helpersIn } from './lib/checks.mjs';
import { hoistingProblems } from './lib/hoisting.mjs';
import { KALUMA_ONLY } from './lib/rollup-board.mjs';

export { helpersIn };

/** The board bundles: the library and every demo (Kaluma's and Espruino's). */
export function boardBundles() {
  const files = ['dist/threadsafe.js', 'dist/threadsafe.min.js', 'dist/threadsafe-kaluma.js', 'dist/threadsafe-kaluma.min.js',
    'dist/threadsafe-espruino.js', 'dist/threadsafe-espruino.min.js', 'dist/threadsafe.espruino.min.js'];
  for (const dir of ['dist/board', 'dist/espruino']) {
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.js')) files.push(dir + '/' + f);
  }
  return files;
}

function main() {
  const files = boardBundles();
  let bad = 0;
  for (const file of files) {
    // A demo written with async functions is compiled to ES2018 for Kaluma only (its first line
    // says so): checked at that level, and not for hoisting, which Kaluma does.
    const kalumaOnly = readFileSync(file, 'utf8').startsWith(KALUMA_ONLY);
    const level = kalumaOnly ? 'es2018' : 'es5';
    try {
      acorn.parse(readFileSync(file, 'utf8'), { ecmaVersion: kalumaOnly ? 2018 : 5, sourceType: 'script', locations: true });
    } catch (e) {
      bad++;
      console.error(`${file}: not ${level.toUpperCase()}: ${e.message}`);
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
