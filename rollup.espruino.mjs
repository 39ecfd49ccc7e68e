// Rollup entries of the Espruino layer, spread into rollup.config.mjs:
// - dist/threadsafe-espruino.js (ES5 UMD, global `threadsafeEspruino`), .min.js, .mjs, .d.ts:
//   the Espruino sources (src/espruino/) as a separate entry, so the core bundle does not grow;
// - dist/espruino/<name>.js for every board/espruino/<name>.ts: ONE self-contained ES5 script
//   per demo (library included, no exports, minified), as Espruino loads a program, built by the
//   toolchain's build of a board program with --target espruino (scripts/lib/rollup-board.mjs):
//   a demo imports the library by its package names, `threadsafe` and `threadsafe/espruino`, and
//   is type-checked with Espruino's globals (src/espruino/types/), not Kaluma's.
import { readdirSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { minify } from 'terser';
import { boardProgram } from './scripts/lib/rollup-board.mjs';

const HERE = 'board/espruino';
const DEMOS = readdirSync(new URL('./board/espruino/', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
/** Output plugin: terser, ES5, declaration order kept (Espruino does not hoist). */
export function minifyES5(extra = {}) {
  return {
    name: 'minify-es5-espruino',
    async renderChunk(code) {
      const out = await minify(code, { ecma: 5, compress: { hoist_funs: false, hoist_vars: false, reduce_funcs: false }, mangle: true, format: { ascii_only: true }, ...extra });
      return { code: out.code, map: null };
    },
  };
}

/** Terser options of the Espruino bundle: private (underscore) property names mangled, two passes. */
export const ESPRUINO_MANGLE = {
  compress: { hoist_funs: false, hoist_vars: false, passes: 2, reduce_funcs: false },
  mangle: { properties: { regex: /^_/ } },
};

export default [
  {
    input: 'src/espruino/index.ts',
    output: [
      { file: 'dist/threadsafe-espruino.js', format: 'umd', name: 'threadsafeEspruino' },
      { file: 'dist/threadsafe-espruino.min.js', format: 'umd', name: 'threadsafeEspruino', plugins: [minifyES5()] },
      { file: 'dist/threadsafe-espruino.mjs', format: 'es' },
    ],
    plugins: [typescript({ tsconfig: './tsconfig.json', removeComments: true, noEmitOnError: true })],
  },
  { input: 'src/espruino/index.ts', output: { file: 'dist/threadsafe-espruino.d.ts', format: 'es' }, plugins: [dts()] },
  // Everything for an Espruino board in one file (global `threadsafe`: the core and the Espruino
  // sources), minified for Espruino: the helpers the two entries share appear once, and private
  // property names (`_x`, `_waiters`, ...) are mangled, which only a bundle holding every class
  // that touches them can do.
  {
    input: 'src/espruino/all.ts',
    output: { file: 'dist/threadsafe.espruino.min.js', format: 'umd', name: 'threadsafe', plugins: [minifyES5(ESPRUINO_MANGLE)] },
    plugins: [typescript({ tsconfig: './tsconfig.json', removeComments: true, noEmitOnError: true })],
  },
  // the demos, built as a user's program is: the toolchain's one build, --target espruino
  ...DEMOS.map((name) => boardProgram(`${HERE}/${name}.ts`, `dist/espruino/${name}.js`, { target: 'espruino' })),
];
