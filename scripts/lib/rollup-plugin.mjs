// For a project with its own rollup config: the toolchain's build of a board program as rollup
// plugins (`threadsafe-toolchain/rollup`), the same that `threadsafe build` runs.
//
//   // rollup.config.mjs
//   import { threadsafeBoard } from 'threadsafe-toolchain/rollup';
//   export default {
//     input: 'app.ts',
//     output: { file: 'dist/app.js', format: 'iife', strict: true },
//     plugins: threadsafeBoard('app.ts', { target: 'kaluma' }),
//   };
//
// or the whole config: boardConfig('app.ts', 'dist/app.js', { target }).
// Then `threadsafe sim dist/app.js` (or emulate, flash) runs the result; `threadsafe build`
// also checks it (syntax level, the interrupt rule, size).
import { boardProgram } from './rollup-board.mjs';

/**
 * The plugins that resolve 'threadsafe' and 'threadsafe/kaluma' to the library's sources,
 * type-check the program against Kaluma's declarations (unused names are warnings), compile it
 * (ES5; ES2018 for async functions, Kaluma only; 'espruino' refuses async), minify it (unless
 * `minify: false`) and report its size. `input` is the program's entry, as in the config.
 */
export function threadsafeBoard(input, { target = 'kaluma', minify = true } = {}) {
  const [ts, min, size] = boardProgram(input, 'unused.js', { target }).plugins;
  return minify ? [ts, min, size] : [ts, size];
}

/** A complete rollup config: `input` (.ts) → `file`, one script as Kaluma loads it. */
export function boardConfig(input, file, options = {}) {
  return boardProgram(input, file, options);
}

export { BUILTINS, KALUMA_ONLY, PACKAGE } from './rollup-board.mjs';
