// A board program, one vocabulary for build, sim, emulate and flash: a demo name (board/<name>.ts
// of the library) or a path (a .ts program of one's own, or a .js one). Builds it to ONE script
// with the library in it (rollup-board.mjs), checks it as the demos are checked, and reports its
// size and heap cost. This is the toolchain's `threadsafe-toolchain/build` export.
//
//   const p = resolveProgram('event') | resolveProgram('path/app.ts');   // { name, source, bundle, demo }
//   const built = await buildProgram(p, { target: 'kaluma' });             // { file, sizes, asyncAt, warnings }
//   const problems = checkProgram(built.file, { target });                 // [] when it passes
//   const heap = await heapAfterParse(built.file);                         // { bytes, measured, how }
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { rollup } from 'rollup';
import { firmwareFiles } from './firmware-files.mjs';
import { helpersIn } from './checks.mjs';
import { defaultBundle, demoNames, demoSource } from './demos.mjs';
import { hoistingProblems } from './hoisting.mjs';
import { handlerViolations } from './isr-check.mjs';
import { boardProgram, KALUMA_ONLY, shown } from './rollup-board.mjs';
import { userCwd } from './root.mjs';
import { KalumaSim } from '../kaluma-sim/index.mjs';

/** Kaluma's program area: 128 sectors of 4 KB; the stored program ends with a 0 byte. */
export const PROGRAM_AREA = 128 * 4096;
/** Heap after parse per minified byte, measured on the firmware (event demo: 14,912 B for 11,414 B). */
const HEAP_PER_MIN_BYTE = 1.31;

export { demoNames, KALUMA_ONLY };

/**
 * A demo name or a path → { name, source (.ts or null), bundle (the .js to run), demo }.
 * A path is taken from the folder the command was typed in; a demo name is one of `target`'s
 * ('kaluma': board/<name>.ts, 'espruino': board/espruino/<name>.ts). Throws an Error naming what
 * is accepted.
 */
export function resolveProgram(arg, { target = 'kaluma' } = {}) {
  const demos = demoNames(target);
  const list = demos.length ? `a demo name (${target === 'espruino' ? 'for Espruino: ' : ''}${demos.join(', ')}) or ` : '';
  if (typeof arg !== 'string' || arg === '') throw new Error(`a program is needed: ${list}a path to a .ts or .js file`);
  if (demos.includes(arg)) return { name: arg, source: demoSource(arg, target), bundle: defaultBundle(arg, { demo: true, target }), demo: true };
  const path = resolve(userCwd(), arg);
  if (!existsSync(path)) throw new Error(`no demo or file named "${arg}": give ${list}the path of a .ts program (or of a .js one)`);
  const ext = extname(path);
  const name = basename(path, ext);
  if (ext === '.js') return { name, source: null, bundle: path, demo: false };
  if (ext !== '.ts') throw new Error(`${arg}: a program is a .ts file (or a .js one), not ${ext || 'a file without extension'}`);
  const demo = demos.includes(name) && demoSource(name, target) === path;
  return { name, source: path, bundle: defaultBundle(name, { demo, source: path, target }), demo };
}

/**
 * Builds `program` (from resolveProgram) to its bundle (and its source map, bundle + '.map').
 * Options: target ('kaluma' or 'espruino'), out (another output file). Resolves { file, sizes:
 * { raw, min, gzip, lib, total }, asyncAt, optionsAt (where the program names a wait option, or
 * null), warnings (unused names, "file:line:col: ...") }.
 * Rejects with the build's message (syntax or type errors with their places, a refused import,
 * async for Espruino).
 */
export async function buildProgram(program, { target = 'kaluma', out, asyncTarget } = {}) {
  if (!program.source) return { file: program.bundle, sizes: null, asyncAt: null, optionsAt: null, warnings: [] };
  const file = out ? resolve(userCwd(), out) : program.bundle;
  const state = {};
  let sizes = null;
  const config = boardProgram(program.source, file, { target, state, asyncTarget, onSize: (s) => (sizes = s) });
  const warnings = [];
  let bundle;
  try {
    bundle = await rollup({ ...config, onwarn: (w) => w.code !== 'THIS_IS_UNDEFINED' && warnings.push(w.message) });
  } catch (e) {
    // the plugin's own message, without rollup's "[plugin board-typescript]" prefix
    throw new Error(String(e.message).replace(/^\[plugin [\w-]+\] /, ''));
  }
  try {
    await bundle.write(config.output);
  } finally {
    await bundle.close();
  }
  return { file, sizes, asyncAt: state.asyncAt || null, optionsAt: state.optionsAt || null, warnings: [...(state.warnings || []), ...warnings] };
}

/** The function nodes a bundle hands to attachInterrupt or GPIO#irq: { nodes, unresolved (their text) }. */
function interruptHandlerNodes(ast, bundle) {
  const fns = new Map(); // name -> function node, for handlers passed by name
  walk.full(ast, (n) => {
    if (n.type === 'FunctionDeclaration') fns.set(n.id.name, n);
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init && /Function/.test(n.init.type)) fns.set(n.id.name, n.init);
  });
  const nodes = [];
  const unresolved = [];
  walk.full(ast, (n) => {
    if (n.type !== 'CallExpression') return;
    const c = n.callee;
    let arg = null;
    if (c.type === 'Identifier' && c.name === 'attachInterrupt') arg = n.arguments[1];
    else if (c.type === 'MemberExpression' && !c.computed && c.property.name === 'irq') arg = n.arguments[0];
    if (!arg) return;
    const fn = /Function/.test(arg.type) ? arg : arg.type === 'Identifier' ? fns.get(arg.name) : null;
    if (fn) nodes.push(fn);
    else unresolved.push(bundle.slice(arg.start, arg.end));
  });
  return { nodes, unresolved };
}

/** The functions a bundle hands to attachInterrupt or GPIO#irq, found in its text: { sources, unresolved }. */
export function interruptHandlers(bundle) {
  const ast = acorn.parse(bundle, { ecmaVersion: 'latest', sourceType: 'script' });
  const { nodes, unresolved } = interruptHandlerNodes(ast, bundle);
  return { sources: nodes.map((n) => bundle.slice(n.start, n.end)), unresolved };
}

/**
 * Offsets of `file` → places in the user's words: `{ where(offset) -> "app.ts:3:5", text(offset) ->
 * the identifier or member chain written there }`, through the bundle's source map when it has one.
 */
export function placesOf(file, source) {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lc = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] };
  };
  let map = null;
  const mapFile = file + '.map';
  if (existsSync(mapFile)) {
    try {
      map = new TraceMap(readFileSync(mapFile, 'utf8'));
    } catch {
      map = null;
    }
  }
  const texts = new Map();
  const textOf = (path, line, column) => {
    if (!texts.has(path)) texts.set(path, existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null);
    const lines = texts.get(path);
    const rest = lines && lines[line - 1] ? lines[line - 1].slice(column) : '';
    const m = /^(?:new\s+)?[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*(?:\s*\(\))?/.exec(rest);
    return m ? m[0].replace(/\s+/g, '') : rest.trim().slice(0, 40);
  };
  const original = (offset) => {
    const g = lc(offset);
    if (map) {
      const o = originalPositionFor(map, g);
      if (o.source) return { path: resolve(dirname(file), o.source), line: o.line, column: o.column, mapped: true };
    }
    return { path: file, line: g.line, column: g.column, mapped: false };
  };
  return {
    where(offset) {
      const o = original(offset);
      return `${shown(o.path)}:${o.line}:${o.column + 1}`;
    },
    text(offset, fallback) {
      const o = original(offset);
      return o.mapped ? textOf(o.path, o.line, o.column) || fallback : fallback;
    },
  };
}

/** `file:line:col: message` of an acorn SyntaxError in `file`. */
const syntaxAt = (file, e) => `${shown(file)}:${e.loc ? `${e.loc.line}:${e.loc.column + 1}` : '?'}: ${String(e.message).replace(/ \(\d+:\d+\)$/, '')}`;

/**
 * The checks the demos get: a syntax error is reported as one with its place; the syntax level
 * (ES5 for a bundle that may run on Espruino, ES2018 for a Kaluma-only async bundle or a .js
 * program for Kaluma); no TypeScript helpers; nothing used before its declaration (for ES5
 * bundles, which may run on Espruino); fits the program area; and every handler given to
 * attachInterrupt (found in the text, and caught while it runs 2 s in the simulation) obeys the
 * interrupt rule, each problem once, named by the user's file:line:col and identifiers through
 * the source map. Options: target, simulate (default true), js (the file is the user's own .js
 * program, not a build). Returns problems as strings; [] when it passes.
 */
export function checkProgram(file, { target = 'kaluma', simulate = true, js = false } = {}) {
  const source = readFileSync(file, 'utf8');
  const kalumaOnly = source.startsWith(KALUMA_ONLY);
  const problems = [];
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true });
  } catch (e) {
    return [`syntax error: ${syntaxAt(file, e)}`];
  }
  const level = kalumaOnly || (js && target === 'kaluma') ? 2018 : 5;
  try {
    acorn.parse(source, { ecmaVersion: level, sourceType: 'script', locations: true });
  } catch (e) {
    const why = level === 5 ? (js ? 'Espruino runs ES5 only' : 'a bundle that may run on Espruino') : "Kaluma's engine runs up to ES2018";
    return [`syntax newer than ES${level === 5 ? 5 : 2018} (${why}): ${syntaxAt(file, e)}`];
  }
  if (kalumaOnly && target === 'espruino') problems.push('built for Kaluma only (async functions): Espruino cannot run it');
  const helpers = helpersIn(source);
  if (helpers.length) problems.push(`contains TypeScript helpers ${helpers.join(', ')} (they need hoisting on Espruino and cost heap on Kaluma)`);
  if (level === 5) for (const p of hoistingProblems(source)) problems.push(`needs hoisting (fails on Espruino): ${p}`);
  const bytes = Buffer.byteLength(source);
  if (bytes + 1 > PROGRAM_AREA) problems.push(`${bytes} bytes: larger than Kaluma's program area (${PROGRAM_AREA - 1} bytes at most)`);
  if (target !== 'kaluma') return problems; // the interrupt rule is Kaluma's
  const handlers = new Map(); // start offset -> function node
  for (const n of interruptHandlerNodes(ast, source).nodes) handlers.set(n.start, n);
  if (simulate) {
    // countJs off: the handlers keep the bundle's own text (the cost counters rewrite it), so the
    // ones caught running are found in the bundle and checked there
    const sim = new KalumaSim({ countJs: false });
    sim.load(source, file);
    sim.run(2000);
    const byStart = new Map();
    walk.full(ast, (n) => {
      if (/Function/.test(n.type)) byStart.set(n.start, n);
    });
    for (const h of sim.handlers) {
      const text = h.fn.toString();
      const at = source.indexOf(text);
      if (at >= 0 && byStart.has(at)) handlers.set(at, byStart.get(at));
      else problems.push(`an attachInterrupt handler that is not in the program's text ran in the simulation: ${text.slice(0, 80)}`);
    }
    for (const name of new Set(sim.isrViolations)) problems.push(`an attachInterrupt handler called ${name}() while it ran in the simulation`);
  }
  const places = placesOf(file, source);
  const seen = new Set();
  for (const fn of handlers.values()) {
    for (const v of handlerViolations(source, ast, fn)) {
      const where = places.where(v.at);
      const what = places.text(v.at, v.code);
      const line = `${where}: ${what ? '`' + what + '`: ' : ''}${v.rule}${v.decl !== undefined ? ` (declared at ${places.where(v.decl)})` : ''}`;
      if (seen.has(line)) continue;
      seen.add(line);
      problems.push(line);
    }
  }
  if (seen.size) {
    problems.push('  (the interrupt rule: an attachInterrupt handler runs inside the interrupt and may touch only variables that hold numbers: ' +
      'no object, call, allocation or loop; see docs/platform.md. Record into numbers and do the rest on the main loop, e.g. with InterruptSource)');
  }
  return problems;
}

const HEAP_PROBE = "console.log('THREADSAFE_HEAP ' + process.memoryUsage().heapUsed);\n";

/** heapUsed at the first statement of `code` on the emulated firmware. */
async function probeHeap(code, files) {
  const { emulate } = await import('../emulator/index.mjs');
  const r = await emulate({ target: 'kaluma', firmware: files.firmware, bootrom: files.bootrom, code, ms: 3000, until: 'THREADSAFE_HEAP' });
  const line = r.lines.find((l) => l.text.startsWith('THREADSAFE_HEAP '));
  if (!line) throw new Error(`the firmware did not print the heap (exit ${r.exitCode}${r.crashed ? ', crash ' + r.crashed.kind : ''}): ${String(r.output).slice(0, 300)}`);
  return Number(line.text.split(' ')[1]);
}

/**
 * Heap the parsed program takes on the firmware: heapUsed at its first statement minus that of
 * an empty program, both measured on the emulated Kaluma 1.2.1 when its files are at hand
 * ({ measured: true }); otherwise estimated from the minified size ({ measured: false, how: why
 * not measured }). `baseline`: the empty program's heapUsed, when already known (emptyHeap());
 * `near`: the program's source (the firmware files beside it are found too).
 */
export async function heapAfterParse(file, { firmware, bootrom, minBytes, baseline, near } = {}) {
  const files = firmwareFiles({ target: 'kaluma', firmware, bootrom, near });
  if (files.missing) {
    return { bytes: minBytes ? Math.round(minBytes * HEAP_PER_MIN_BYTE) : null, measured: false, how: `estimated as ${HEAP_PER_MIN_BYTE} × the minified size: ${files.missing}` };
  }
  const empty = baseline ?? (await probeHeap(HEAP_PROBE, files));
  const full = await probeHeap(HEAP_PROBE + readFileSync(file, 'utf8'), files);
  return { bytes: full - empty, measured: true, how: `measured on ${shown(files.firmware)}: heapUsed at the first statement ${full} B, empty program ${empty} B` };
}

/** heapUsed at the first statement of an empty program on the firmware (the baseline of heapAfterParse). */
export async function emptyHeap({ firmware, bootrom } = {}) {
  const files = firmwareFiles({ target: 'kaluma', firmware, bootrom });
  if (files.missing) throw new Error(files.missing);
  return probeHeap(HEAP_PROBE, files);
}

export { firmwareFiles };
