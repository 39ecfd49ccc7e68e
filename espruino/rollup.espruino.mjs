// Rollup entries of the Espruino demos, spread into ../rollup.config.mjs: dist/espruino/<name>.js
// for every espruino/<name>.ts, ONE self-contained ES5 script (library included, no exports),
// as Espruino loads a program. Kept apart from board/rollup.board.mjs (Kaluma) on purpose.
import { readdirSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';

const DEMOS = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();

export default DEMOS.map((name) => ({
  input: `espruino/${name}.ts`,
  output: { file: `dist/espruino/${name}.js`, format: 'iife', strict: true },
  plugins: [typescript({ tsconfig: './espruino/tsconfig.json', removeComments: true, noEmitOnError: true })],
}));
