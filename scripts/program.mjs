// A board program, one vocabulary for build:board, sim, emulate and flash: a demo name (board/<name>.ts)
// or a path (a .ts program of one's own, or an already built .js). Builds it to ONE script with
// the library in it (board/rollup.board.mjs), checks it as the demos are checked, and reports
// its size and heap cost.
//
//   const p = resolveProgram('event') | resolveProgram('path/app.ts');   // { name, source, bundle, demo }
//   const built = await buildProgram(p, { target: 'kaluma' });             // { file, sizes, asyncAt }
//   const problems = checkProgram(built.file, { target });                 // [] when it passes
//   const heap = await heapAfterParse(built.file);                         // { bytes, measured, how }
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { rollup } from 'rollup';
import { boardProgram, KALUMA_ONLY } from '../board/rollup.board.mjs';
import { helpersIn } from './check-bundles.mjs';
import { findFirmware, ROOT, runOnFirmware, whyMissing } from './firmware.mjs';
import { hoistingProblems } from './hoisting.mjs';
import { KalumaSim } from './kaluma-sim/index.mjs';
import { closureViolations, isrViolations } from '../host-tests/board/isr-check.mjs';

const require = createRequire(import.meta.url);
/** Kaluma's program area: 128 sectors of 4 KB; the stored program ends with a 0 byte. */
export const PROGRAM_AREA = 128 * 4096;
/** Heap after parse per minified byte, measured on the firmware (event demo: 14,912 B for 11,414 B). */
const HEAP_PER_MIN_BYTE = 1.31;

/** The demos: board/<name>.ts. */
export function demoNames() {
  return readdirSync(join(ROOT, 'board')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
}

/**
 * A demo name or a path → { name, source (.ts or null), bundle (the .js to run), demo }.
 * A .ts outside board/ builds to dist/program/<name>.js. Throws an Error naming what is accepted.
 */
export function resolveProgram(arg) {
  if (typeof arg !== 'string' || arg === '') throw new Error(`a program is needed: a demo name (${demoNames().join(', ')}) or a path to a .ts file`);
  if (demoNames().includes(arg)) return { name: arg, source: join(ROOT, 'board', arg + '.ts'), bundle: join(ROOT, 'dist', 'board', arg + '.js'), demo: true };
  const path = resolve(process.env.INIT_CWD || process.cwd(), arg); // npm run: relative to where it was typed
  if (!existsSync(path)) {
    throw new Error(`no demo or file named "${arg}": give a demo name (${demoNames().join(', ')}) or the path of a .ts program (or of a built .js)`);
  }
  const ext = extname(path);
  const name = basename(path, ext);
  if (ext === '.js') return { name, source: null, bundle: path, demo: false };
  if (ext !== '.ts') throw new Error(`${arg}: a program is a .ts file (or a built .js), not ${ext || 'a file without extension'}`);
  const inBoard = dirname(path) === join(ROOT, 'board');
  return { name, source: path, bundle: join(ROOT, 'dist', inBoard ? 'board' : 'program', name + '.js'), demo: inBoard };
}

/**
 * Builds `program` (from resolveProgram) to its bundle. Options: target ('kaluma' or 'espruino'),
 * out (another output file). Resolves { file, sizes: { raw, min, gzip, lib, total }, asyncAt }.
 * Rejects with the build's message (type errors, a refused import, async for Espruino).
 */
export async function buildProgram(program, { target = 'kaluma', out, asyncTarget } = {}) {
  if (!program.source) return { file: program.bundle, sizes: null, asyncAt: null };
  const file = out ? resolve(out) : program.bundle;
  const state = {};
  let sizes = null;
  const config = boardProgram(program.source, file, { target, state, asyncTarget, onSize: (s) => (sizes = s) });
  const warnings = [];
  const bundle = await rollup({ ...config, onwarn: (w) => w.code !== 'THIS_IS_UNDEFINED' && warnings.push(w.message) });
  try {
    await bundle.write(config.output);
  } finally {
    await bundle.close();
  }
  for (const w of warnings) console.error(`build:board: warning: ${w}`);
  return { file, sizes, asyncAt: state.asyncAt || null };
}

/** The functions a bundle hands to attachInterrupt or GPIO#irq, found in its text: { sources, unresolved }. */
export function interruptHandlers(bundle) {
  const ast = acorn.parse(bundle, { ecmaVersion: 'latest', sourceType: 'script' });
  const fns = new Map(); // name -> function node, for handlers passed by name
  walk.full(ast, (n) => {
    if (n.type === 'FunctionDeclaration') fns.set(n.id.name, n);
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init && /Function/.test(n.init.type)) fns.set(n.id.name, n.init);
  });
  const sources = [];
  const unresolved = [];
  walk.full(ast, (n) => {
    if (n.type !== 'CallExpression') return;
    const c = n.callee;
    let arg = null;
    if (c.type === 'Identifier' && c.name === 'attachInterrupt') arg = n.arguments[1];
    else if (c.type === 'MemberExpression' && !c.computed && c.property.name === 'irq') arg = n.arguments[0];
    if (!arg) return;
    const fn = /Function/.test(arg.type) ? arg : arg.type === 'Identifier' ? fns.get(arg.name) : null;
    if (fn) sources.push(bundle.slice(fn.start, fn.end));
    else unresolved.push(bundle.slice(arg.start, arg.end));
  });
  return { sources, unresolved };
}

/**
 * The checks the demos get: parses at its level (ES5, or ES2018 for a Kaluma-only async
 * bundle), no TypeScript helpers, nothing used before its declaration (for ES5 bundles, which
 * may run on Espruino), fits the program area, and every handler given to attachInterrupt (found
 * in the text, and caught while it runs 2 s in the simulation) obeys the interrupt rule.
 * Returns problems as strings; [] when it passes.
 */
export function checkProgram(file, { target = 'kaluma', simulate = true } = {}) {
  const source = readFileSync(file, 'utf8');
  const kalumaOnly = source.startsWith(KALUMA_ONLY);
  const problems = [];
  const esCheck = join(dirname(require.resolve('es-check')), 'cli', 'index.js');
  try {
    execFileSync(process.execPath, [esCheck, kalumaOnly ? 'es2018' : 'es5', file, '--silent'], { stdio: 'pipe' });
  } catch (e) {
    problems.push(`not ${kalumaOnly ? 'ES2018' : 'ES5'} (es-check): ${String(e.stdout || '')}${String(e.stderr || '')}`.trim());
    return problems;
  }
  if (kalumaOnly && target === 'espruino') problems.push('built for Kaluma only (async functions): Espruino cannot run it');
  const helpers = helpersIn(source);
  if (helpers.length) problems.push(`contains TypeScript helpers ${helpers.join(', ')} (they need hoisting on Espruino and cost heap on Kaluma)`);
  if (!kalumaOnly) for (const p of hoistingProblems(source)) problems.push(`needs hoisting (fails on Espruino): ${p}`);
  const bytes = Buffer.byteLength(source);
  if (bytes + 1 > PROGRAM_AREA) problems.push(`${bytes} bytes: larger than Kaluma's program area (${PROGRAM_AREA - 1} bytes at most)`);
  const handlers = new Set(interruptHandlers(source).sources);
  if (simulate) {
    // countJs off: the handlers keep the bundle's own text (the cost counters rewrite it), so the
    // ones caught running are found in the bundle and checked there
    const sim = new KalumaSim({ countJs: false });
    sim.load(source, file);
    sim.run(2000);
    for (const h of sim.handlers) handlers.add(h.fn.toString());
    for (const name of sim.isrViolations) problems.push(`an attachInterrupt handler called ${name}() while it ran in the simulation`);
  }
  for (const h of handlers) {
    const broken = [...isrViolations(h), ...closureViolations(source, h)];
    if (broken.length) problems.push(`an attachInterrupt handler breaks the interrupt rule (primitives only: no object, call, allocation):\n    ${h.slice(0, 200)}\n    ${broken.join('\n    ')}`);
  }
  return problems;
}

const HEAP_PROBE = "console.log('THREADSAFE_HEAP ' + process.memoryUsage().heapUsed);\n";

/**
 * Heap the parsed program takes on the firmware: heapUsed at its first statement minus that of
 * an empty program, both measured on the emulated Kaluma 1.2.1 when present ({ measured: true });
 * otherwise estimated from the minified size ({ measured: false, how: why not measured }).
 * `baseline`: the empty program's heapUsed, when already known (emptyHeap()).
 */
export async function heapAfterParse(file, { firmware, minBytes, baseline } = {}) {
  const fw = findFirmware(firmware);
  if (!fw) {
    return { bytes: minBytes ? Math.round(minBytes * HEAP_PER_MIN_BYTE) : null, measured: false, how: `estimated as ${HEAP_PER_MIN_BYTE} × the minified size (${whyMissing(firmware)})` };
  }
  const probe = (code) => runOnFirmware({ code }, { ms: 3000, until: 'THREADSAFE_HEAP', firmware }).then((r) => {
    const line = r.lines.find((l) => l.text.startsWith('THREADSAFE_HEAP '));
    if (!line) throw new Error(`the firmware did not print the heap (exit ${r.code}${r.crash ? ', crash ' + r.crash : ''}): ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
    return Number(line.text.split(' ')[1]);
  });
  const [empty, full] = await Promise.all([baseline ?? probe(HEAP_PROBE), probe(HEAP_PROBE + readFileSync(file, 'utf8'))]);
  return { bytes: full - empty, measured: true, how: `measured on ${relative(ROOT, fw.firmware)}: heapUsed at the first statement ${full} B, empty program ${empty} B` };
}

/** heapUsed at the first statement of an empty program on the firmware (the baseline of heapAfterParse). */
export async function emptyHeap({ firmware } = {}) {
  const r = await runOnFirmware({ code: HEAP_PROBE }, { ms: 3000, until: 'THREADSAFE_HEAP', firmware });
  const line = r.lines.find((l) => l.text.startsWith('THREADSAFE_HEAP '));
  if (!line) throw new Error(`the firmware did not print the heap (exit ${r.code})`);
  return Number(line.text.split(' ')[1]);
}

export { findFirmware, whyMissing };
