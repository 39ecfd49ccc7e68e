// `threadsafe build <demo | app.ts | app.js> [--target kaluma|espruino] [--out FILE] [--firmware FILE] [--bootrom FILE] [--espruino PATH] [--no-heap]`
import { relative, resolve } from 'node:path';
import { parseArgs } from '../lib/args.mjs';
import { readFileSync } from 'node:fs';
import { buildProgram, checkProgram, firmwareFiles, heapAfterParse, placesOf, resolveProgram } from '../lib/program.mjs';
import { espruinoOnlyUses } from '../lib/portability.mjs';
import { userCwd } from '../lib/root.mjs';

export const help = `threadsafe build <demo | app.ts | app.js> [--target kaluma|espruino] [--out FILE] [--firmware FILE] [--no-heap]

Builds one board program (a demo name, or a .ts program of your own that imports 'threadsafe'
and 'threadsafe/kaluma' or 'threadsafe/espruino') to a single script with the library in it, and checks it: syntax,
types (against Kaluma's globals and modules), syntax level (ES5; ES2018 for async programs,
Kaluma only), no TypeScript helpers, nothing used before its declaration, the interrupt rule on
every attachInterrupt handler (named by your file:line:col), fits Kaluma's program area. Unused
names are warnings. A .js program is checked only.
Then prints its size and what it costs: for Kaluma the heap it takes once parsed (measured on
the emulated firmware when its files are at hand, else estimated, and it says which); for
Espruino the variables (its memory blocks) the program takes once loaded, measured on the
interpreter --espruino names, and the Espruino-only globals and calls it uses (E, getTime, the
pin names D0.., setWatch with an options object, require() of a module Kaluma lacks, ...), each
with its place; without any it may run on Kaluma too.

  --target   kaluma (default) or espruino (refuses async syntax)
  --out      the bundle to write (default: dist/<name>.js; demos in the repository: dist/board/)
  --firmware a Kaluma 1.2.1 image (.uf2/.bin) to measure the heap on (or KALUMA_FIRMWARE)
  --bootrom  the RP2040 bootrom, raw 16 KB (or RP2040_BOOTROM). Without them: kaluma-rp2-pico-1.2.1.uf2
             (or .bin) and bootrom-b1.bin (or b1.bin) beside the program, in this folder or in a
             firmware/ folder of either, else what fetch-firmware cached
  --espruino an Espruino interpreter binary to measure the variables on (--target espruino)
  --no-heap  skip the heap (or variables) figure

Exit codes: 0 built and checked, 1 the build or a check failed, 2 bad arguments.`;

/** "Espruino only (...)" naming the Espruino-only globals and calls the bundle uses, with their places; else why it may run on Kaluma too. */
function espruinoKind(file) {
  const source = readFileSync(file, 'utf8');
  const uses = espruinoOnlyUses(source);
  if (!uses.length) return 'Espruino (ES5; it uses no Espruino-only global or call, so it may run on Kaluma too: build it with --target kaluma to check it there)';
  const places = placesOf(file, source);
  const first = new Map();
  for (const u of uses) if (!first.has(u.what)) first.set(u.what, places.where(u.at));
  const named = [...first].slice(0, 5).map(([what, where]) => `${what} (${where})`);
  const more = first.size - named.length;
  return `Espruino only (ES5): it uses ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}, which Kaluma does not have (or takes other arguments for)`;
}

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv, ['target', 'out', 'firmware', 'bootrom', 'espruino'], ['heap']);
  } catch (e) {
    console.error(`build: ${e.message}\n${help.split('\n')[0]}`);
    return 2;
  }
  if (o.help) {
    console.log(help);
    return 0;
  }
  const target = o.target || 'kaluma';
  if (target !== 'kaluma' && target !== 'espruino') {
    console.error(`build: --target must be kaluma or espruino, not "${target}"`);
    return 2;
  }
  if (o._.length !== 1) {
    console.error(`build: one program is needed\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  let program;
  try {
    program = resolveProgram(o._[0], { target });
  } catch (e) {
    console.error(`build: ${e.message}`);
    return 2;
  }
  const rel = (f) => relative(userCwd(), f) || f;
  let built;
  try {
    built = await buildProgram(program, { target, out: o.out });
  } catch (e) {
    console.error(`build: ${rel(program.source || program.bundle)} did not build:\n  ${e.message.replace(/\n/g, '\n  ')}`);
    return 1;
  }
  for (const w of built.warnings) console.error(`build: warning: ${w}`);
  const file = rel(built.file);
  const problems = checkProgram(built.file, { target, js: !program.source });
  if (problems.length) {
    console.error(`build: ${file} fails its checks:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const s = built.sizes;
  const bytes = s ? s.raw : Buffer.byteLength(readFileSync(built.file));
  const kind = built.asyncAt ? `Kaluma only: async functions at ${built.asyncAt} compiled as ES2018 syntax (Kaluma runs them natively; Espruino cannot)`
    : target === 'espruino' ? espruinoKind(built.file) : program.source ? 'Kaluma (ES5; also Espruino-safe)' : 'Kaluma';
  console.log(`${file}: ${program.source ? 'one script' : 'a program'} for ${kind}`);
  if (s) console.log(`  size: raw ${s.raw} B, minified ${s.min} B, gzip ${s.gzip} B; library code ${s.total ? Math.round((100 * s.lib) / s.total) : 0}% of the module code`);
  else console.log(`  size: ${bytes} B`);
  if (built.optionsAt) console.log(`  wait options ({ signal, timeout }): on, as ${built.optionsAt} names one (their code is in the bundle)`);
  const level = built.asyncAt || (!program.source && target === 'kaluma') ? 'ES2018' : 'ES5';
  if (target === 'espruino') {
    console.log(`  checks: ok (syntax, ${level}, no TypeScript helpers, nothing used before its declaration)`);
    if (o.heap !== false && o.espruino) {
      try {
        const { espruinoVariables } = await import('../lib/espruino.mjs');
        const v = await espruinoVariables(resolve(userCwd(), o.espruino), readFileSync(built.file, 'utf8'));
        console.log(`  variables after load: ${v.vars} (measured on ${o.espruino}: process.memory().usage ${v.full} after the program's top level, ${v.empty} for an empty program)`);
      } catch (e) {
        console.error(`build: the variables could not be measured: ${e.message}`);
        return 1;
      }
    } else if (o.heap !== false) {
      const files = firmwareFiles({ target: 'espruino', firmware: o.firmware, bootrom: o.bootrom, near: program.demo ? null : program.source || program.bundle });
      if (files.missing) {
        console.log('  variables after load: not measured (give --espruino PATH, an Espruino interpreter, or Espruino\'s RP2040 port with --firmware espruino_rp2040_pico.bin and --bootrom, to measure them)');
      } else {
        try {
          const { picoVariables } = await import('../lib/espruino.mjs');
          const v = await picoVariables(files, readFileSync(built.file, 'utf8'));
          console.log(`  variables after load: ${v.vars} of ${v.total} (measured on ${relative(userCwd(), files.firmware) || files.firmware} in the emulated Pico: process.memory().usage after the program's top level minus before it)`);
        } catch (e) {
          console.error(`build: the variables could not be measured on Espruino's RP2040 port: ${e.message}`);
          return 1;
        }
      }
    }
    console.log('  on Espruino: no async syntax; setWatch and timer callbacks run on the main loop, so the interrupt rule does not apply; memory is counted in variables, not bytes');
    console.log(`  next: threadsafe emulate ${o._[0]} --target espruino (--espruino PATH | --firmware espruino_rp2040_pico.bin)   |   threadsafe flash ${o._[0]} --target espruino --port <path>`);
    return 0;
  }
  console.log(`  checks: ok (syntax, ${program.source ? 'types, ' : ''}${level}, no TypeScript helpers, ${level === 'ES5' ? 'nothing used before its declaration, ' : ''}interrupt rule, fits the 512 KB program area)`);
  if (o.heap !== false) {
    try {
      const heap = await heapAfterParse(built.file, { firmware: o.firmware, bootrom: o.bootrom, minBytes: s ? s.min : bytes, near: program.demo ? null : program.source || program.bundle });
      console.log(`  heap after parse: ${heap.bytes === null ? 'unknown' : (heap.measured ? '' : '≈ ') + heap.bytes + ' B'} of Kaluma's 184,312 B (${heap.how})`);
    } catch (e) {
      console.error(`build: the heap could not be measured on the firmware: ${e.message}`);
      return 1;
    }
  }
  console.log(`  next: threadsafe sim ${o._[0]}   |   threadsafe emulate ${o._[0]}   |   threadsafe flash ${o._[0]} --port <path>`);
  return 0;
}
