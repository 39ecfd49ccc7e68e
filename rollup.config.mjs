// One config, three outputs of the library: the ES5 UMD bundle for boards and require(),
// the ESM build, and one bundled .d.ts. The UMD form runs where there is no exports/module
// (Kaluma, Espruino: it sets the global `threadsafe`) and under require() on Node.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { minify } from 'terser';

/** Output plugin: terser, ES5, names mangled, strings and declaration order kept (Espruino does not hoist). */
function minifyES5() {
  return {
    name: 'minify-es5',
    async renderChunk(code) {
      const out = await minify(code, { ecma: 5, compress: { hoist_funs: false, hoist_vars: false, reduce_funcs: false }, mangle: true, format: { ascii_only: true } });
      return { code: out.code, map: null };
    },
  };
}
import { dirname, resolve } from 'node:path';

// The shared entry takes the error classes from the core bundle of its own format instead of
// a copy, so that `e instanceof QueueClosed` holds whichever entry QueueClosed came from.
const CORE_ERRORS = 'threadsafe:core-errors';
const ERRORS_TS = resolve('src/errors.ts');
function coreErrors() {
  return {
    name: 'core-errors',
    resolveId(source, importer) {
      if (importer === undefined || !source.endsWith('errors')) return null;
      return resolve(dirname(importer), source) + '.ts' === ERRORS_TS ? { id: CORE_ERRORS, external: true } : null;
    },
  };
}

export default [
  {
    input: 'src/bundle.ts', // src/index.ts with the wait options enabled as it loads
    output: [
      { file: 'dist/threadsafe.js', format: 'umd', name: 'threadsafe' },
      // The same UMD bundle minified, for pasting onto a board: Kaluma keeps parsed code on its
      // heap, so the minified file takes less heap and loads faster (bench/kaluma-fw).
      { file: 'dist/threadsafe.min.js', format: 'umd', name: 'threadsafe', plugins: [minifyES5()] },
      { file: 'dist/threadsafe.mjs', format: 'es' },
    ],
    plugins: [typescript({ tsconfig: './tsconfig.json', removeComments: true, noEmitOnError: true })],
  },
  {
    input: 'src/index.ts',
    output: { file: 'dist/threadsafe.d.ts', format: 'es' },
    plugins: [dts()],
  },
  ...(await import('./scripts/rollup.board.mjs')).default, // dist/threadsafe-kaluma.*, dist/board/<name>.js
  ...(await import('./rollup.espruino.mjs')).default, // dist/threadsafe-espruino.*, dist/espruino/<name>.js
  // the shared-memory entry for Node workers
  {
    input: 'src/shared/index.ts', // Node only, ES2020; never part of dist/threadsafe.js
    external: [/^node:/],
    output: [
      { file: 'dist/shared.mjs', format: 'es', paths: { [CORE_ERRORS]: './threadsafe.mjs' } },
      { file: 'dist/shared.cjs', format: 'cjs', paths: { [CORE_ERRORS]: './threadsafe.js' } },
    ],
    plugins: [
      coreErrors(),
      typescript({ tsconfig: './src/shared/tsconfig.json', removeComments: true, noEmitOnError: true }),
    ],
  },
  { input: 'src/shared/index.ts', external: [/^node:/], output: { file: 'dist/shared.d.ts', format: 'es' }, plugins: [dts()] },
];
