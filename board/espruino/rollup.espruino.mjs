// Rollup entries of the Espruino layer, spread into ../../rollup.config.mjs:
// - dist/threadsafe-espruino.js (ES5 UMD, global `threadsafeEspruino`), .min.js, .mjs, .d.ts:
//   the Espruino sources (src/espruino/) as a separate entry, so the core bundle does not grow;
// - dist/espruino/<name>.js for every board/espruino/<name>.ts: ONE self-contained ES5 script
//   per demo (library included, no exports), as Espruino loads a program. A demo imports the
//   library by its package names, `threadsafe` and `threadsafe/espruino`, resolved here to src/,
//   and is type-checked with Espruino's globals (espruino.d.ts), not Kaluma's.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { minify } from 'terser';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = 'board/espruino';
const DEMOS = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
/** The package names an Espruino program imports the library by, and the sources they build from. */
export const PACKAGE = { threadsafe: 'src/index.ts', 'threadsafe/espruino': 'src/espruino/index.ts' };

/** Output plugin: terser, ES5, declaration order kept (Espruino does not hoist). */
export function minifyES5(extra = {}) {
  return {
    name: 'minify-es5-espruino',
    async renderChunk(code) {
      const out = await minify(code, { ecma: 5, compress: { hoist_funs: false, hoist_vars: false }, mangle: true, format: { ascii_only: true }, ...extra });
      return { code: out.code, map: null };
    },
  };
}

function packageNames() {
  return {
    name: 'threadsafe-package-names',
    resolveId(source) {
      return PACKAGE[source] ? join(ROOT, PACKAGE[source]) : null;
    },
  };
}

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
  ...DEMOS.map((name) => ({
    input: `${HERE}/${name}.ts`,
    output: { file: `dist/espruino/${name}.js`, format: 'iife', strict: true },
    plugins: [packageNames(), typescript({ tsconfig: `./${HERE}/tsconfig.json`, removeComments: true, noEmitOnError: true })],
  })),
];
