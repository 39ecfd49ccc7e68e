// `npm run build:board -- <program> [--target kaluma|espruino] [--out file.js] [--firmware kaluma.bin] [--no-heap]`
// Builds ONE board program (a demo name, or the path of a .ts file of your own that imports
// 'threadsafe' and 'threadsafe/kaluma') to a single script with the library in it, checks it as
// the demos are checked (ES5, no TypeScript helpers, no use before declaration, the interrupt
// rule on every attachInterrupt handler, fits Kaluma's program area), and prints its size and
// the heap it takes once parsed (measured on the emulated firmware where ../shared/kaluma-emu
// or --firmware / KALUMA_FIRMWARE provides it, else estimated, and it says which).
// Exit codes: 0 ok, 1 the build or a check failed, 2 bad arguments.
import { relative } from 'node:path';
import { buildProgram, checkProgram, heapAfterParse, resolveProgram } from './program.mjs';

const USAGE = 'usage: npm run build:board -- <demo name | path/app.ts> [--target kaluma|espruino] [--out file.js] [--firmware kaluma.bin] [--no-heap]';

export function parseArgs(argv, known) {
  const o = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') o.help = true;
    else if (a.startsWith('--no-')) o[a.slice(5)] = false;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!known.includes(key)) throw new Error(`unknown option --${key} (known: ${known.map((k) => '--' + k).join(', ')})`);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      o[key] = value;
    } else o._.push(a);
  }
  return o;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2), ['target', 'out', 'firmware']);
  } catch (e) {
    console.error(`build:board: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const target = o.target || 'kaluma';
  if (target !== 'kaluma' && target !== 'espruino') {
    console.error(`build:board: --target must be kaluma or espruino, not "${target}"`);
    return 2;
  }
  if (o._.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  let program;
  try {
    program = resolveProgram(o._[0]);
  } catch (e) {
    console.error(`build:board: ${e.message}`);
    return 2;
  }
  let built;
  try {
    built = await buildProgram(program, { target, out: o.out });
  } catch (e) {
    console.error(`build:board: ${relative(process.cwd(), program.source || program.bundle)} did not build:\n${e.message}`);
    return 1;
  }
  const file = relative(process.cwd(), built.file);
  const problems = checkProgram(built.file, { target });
  if (problems.length) {
    console.error(`build:board: ${file} fails its checks:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const s = built.sizes;
  console.log(`${file}: one script for ${built.asyncAt ? 'Kaluma only: async functions at ' + built.asyncAt + ' compiled as ES2018 syntax (Kaluma runs them natively; Espruino cannot)' : target === 'espruino' ? 'Espruino and Kaluma (ES5)' : 'Kaluma (ES5; also Espruino-safe)'}`);
  if (s) console.log(`  size: raw ${s.raw} B, minified ${s.min} B, gzip ${s.gzip} B; library code ${s.total ? Math.round((100 * s.lib) / s.total) : 0}% of the module code`);
  console.log('  checks: ok (syntax level, no TypeScript helpers, ' + (built.asyncAt ? '' : 'nothing used before its declaration, ') + 'interrupt rule, fits the 512 KB program area)');
  if (o.heap !== false) {
    try {
      const heap = await heapAfterParse(built.file, { firmware: o.firmware, minBytes: s && s.min });
      console.log(`  heap after parse: ${heap.bytes === null ? 'unknown' : (heap.measured ? '' : '≈ ') + heap.bytes + ' B'} of Kaluma's 184,312 B (${heap.how})`);
    } catch (e) {
      console.error(`build:board: the heap could not be measured on the firmware: ${e.message}`);
      return 1;
    }
  }
  console.log(`  next: npm run sim -- ${o._[0]}   |   npm run emulate -- ${o._[0]}   |   npm run flash -- ${o._[0]} --port <path>`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) main().then((code) => process.exit(code));
