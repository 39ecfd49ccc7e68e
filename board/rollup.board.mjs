// Rollup entries of the Kaluma board layer (issue 3), spread into ../rollup.config.mjs:
// - dist/threadsafe-kaluma.js (ES5 UMD, global `threadsafeKaluma`), .mjs and .d.ts: the
//   interrupt, watch and timer sources as a separate entry, so the core bundle does not grow;
// - dist/board/<name>.js for every board/<name>.ts: ONE self-contained ES5 script per demo
//   (library included, Kaluma's built-in modules external, no exports), as Kaluma loads it.
// The build prints each demo bundle's size and the share of it that is library code.
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { sizeOf } from '../scripts/size.mjs';

const BUILTINS = ['gpio', 'rp2', 'pwm', 'adc', 'i2c', 'spi', 'uart', 'pio', 'led', 'button', 'events', 'fs', 'flash', 'storage', 'graphics', 'startup'];
const DEMOS = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();

/** Prints raw/min/gzip bytes of the written bundle and how much of its module code is library (src/). */
function sizeReport() {
  return {
    name: 'board-size-report',
    async writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        let lib = 0;
        let total = 0;
        for (const [id, m] of Object.entries(chunk.modules)) {
          total += m.renderedLength;
          if (relative(process.cwd(), id).startsWith('src')) lib += m.renderedLength;
        }
        const s = await sizeOf(options.file);
        const share = total ? Math.round((100 * lib) / total) : 0;
        console.log(`${options.file.padEnd(24)} raw ${String(s.raw).padStart(6)} B  min ${String(s.min).padStart(6)} B  gzip ${String(s.gzip).padStart(5)} B  library code ${share}% (${lib} of ${total} B of module code)`);
      }
    },
  };
}

export default [
  {
    input: 'src/kaluma/index.ts',
    output: [
      { file: 'dist/threadsafe-kaluma.js', format: 'umd', name: 'threadsafeKaluma' },
      { file: 'dist/threadsafe-kaluma.mjs', format: 'es' },
    ],
    plugins: [typescript({ tsconfig: './tsconfig.json', removeComments: true, noEmitOnError: true })],
  },
  {
    input: 'src/kaluma/index.ts',
    output: { file: 'dist/threadsafe-kaluma.d.ts', format: 'es' },
    plugins: [dts()],
  },
  ...DEMOS.map((name) => ({
    input: `board/${name}.ts`,
    external: BUILTINS,
    output: { file: `dist/board/${name}.js`, format: 'iife', strict: true },
    plugins: [typescript({ tsconfig: './board/tsconfig.json', removeComments: true, noEmitOnError: true }), sizeReport()],
  })),
];
