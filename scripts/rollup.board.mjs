// Rollup entries of the Kaluma board layer in this repository, spread into ../rollup.config.mjs:
// - dist/threadsafe-kaluma.js (ES5 UMD, global `threadsafeKaluma`), .min.js, .mjs and .d.ts: the
//   interrupt, watch and timer sources as a separate entry, so the core bundle does not grow;
// - dist/board/<name>.js for every demo board/<name>.ts: ONE self-contained script per demo
//   (library included, Kaluma's built-in modules external, no exports), as Kaluma loads it,
//   built by the toolchain's one build of a board program (lib/rollup-board.mjs).
import { join } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { demoNames } from './lib/demos.mjs';
import { boardProgram, minify } from './lib/rollup-board.mjs';
import { REPO_ROOT } from './lib/root.mjs';

export default [
  {
    input: 'src/kaluma/index.ts',
    output: [
      { file: 'dist/threadsafe-kaluma.js', format: 'umd', name: 'threadsafeKaluma' },
      // minified, for pasting onto a board beside dist/threadsafe.min.js (less heap, faster load)
      { file: 'dist/threadsafe-kaluma.min.js', format: 'umd', name: 'threadsafeKaluma', plugins: [minify({})] },
      { file: 'dist/threadsafe-kaluma.mjs', format: 'es' },
    ],
    plugins: [typescript({ tsconfig: join(REPO_ROOT, 'tsconfig.json'), removeComments: true, noEmitOnError: true })],
  },
  {
    input: 'src/kaluma/index.ts',
    output: { file: 'dist/threadsafe-kaluma.d.ts', format: 'es' },
    plugins: [dts()],
  },
  ...demoNames().map((name) => boardProgram(`board/${name}.ts`, `dist/board/${name}.js`)),
];
