// Running a board program without a board, the two ways the commands offer, with one summary:
// - simulate(): the host simulation of a Pico running Kaluma (../kaluma-sim), virtual time;
// - emulate(): the real firmware on the project's emulated RP2040 (../emulator).
// Both print what the board prints, each line stamped with the ms since the program started,
// and count the program's uncaught errors the same way; the run fails (ok: false) on any.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DEMOS } from '../kaluma-sim/demos.mjs';
import { buttonPattern, KalumaSim, SIM_MODULES } from '../kaluma-sim/index.mjs';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { firmwareFiles } from './firmware-files.mjs';
import { buildProgram, checkProgram } from './program.mjs';
import { userCwd } from './root.mjs';

export const stamp = (ms, line) => `[${String(Math.round(ms)).padStart(6)} ms] ${line}`;
const rel = (file) => relative(userCwd(), file) || file;

/**
 * Builds and checks `program` unless told not to (or it is a .js program: checked only);
 * returns { file, warnings } or throws an Error with the build's or the checks' message.
 */
export async function prepare(program, { build = true, target = 'kaluma' } = {}) {
  // (target: 'espruino' builds and checks for Espruino: ES5, no async syntax)
  if (!program.source) {
    const problems = checkProgram(program.bundle, { target, simulate: false, js: true });
    if (problems.length) throw new Error(`${rel(program.bundle)} fails its checks:\n  ${problems.join('\n  ')}`);
    return { file: program.bundle, warnings: [] };
  }
  if (!build) return { file: program.bundle, warnings: [] };
  const built = await buildProgram(program, { target });
  const problems = checkProgram(built.file, { target, simulate: false });
  if (problems.length) throw new Error(`${rel(built.file)} fails its checks:\n  ${problems.join('\n  ')}`);
  return { file: built.file, warnings: built.warnings };
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The built-in modules a bundle require()s by name that the simulation does not model. */
export function unsimulatedModules(source) {
  const names = new Set();
  walk.simple(acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' }), {
    CallExpression(n) {
      if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0] && n.arguments[0].type === 'Literal' && !SIM_MODULES[n.arguments[0].value]) names.add(String(n.arguments[0].value));
    },
  });
  return [...names];
}

/**
 * Runs a built program in the simulation, printing as it goes. Resolves { ok, summary, sim, errors }.
 * Throws before running when the program requires a module the simulation does not model.
 */
export async function simulate(program, file, { seconds, wire, input, log = console.log } = {}) {
  const source = readFileSync(file, 'utf8');
  const missing = unsimulatedModules(source);
  if (missing.length) {
    throw new Error(`${rel(file)} requires Kaluma's ${missing.map((m) => `'${m}'`).join(', ')} module${missing.length > 1 ? 's' : ''}, which the simulation does not model ` +
      `(it models ${Object.keys(SIM_MODULES).join(', ')} and Kaluma's globals): run it on the firmware with \`threadsafe emulate\``);
  }
  const demo = program.demo ? DEMOS[program.name] : null;
  const sim = new KalumaSim({ echo: (line, ms) => log(stamp(ms, line)) });
  if (demo) demo.setup(sim, { input });
  if (wire) for (const w of wire.split(',')) sim.wire(...w.split(':').map(Number));
  if (input === 'button' && !demo) {
    const presses = [];
    for (let t = 200; t < 600000; t += 500) presses.push([t, t + 150]);
    sim.drive(17, buttonPattern(presses, { idle: 1, bounces: 3, bounceUs: 300 }));
  }
  const started = Date.now();
  sim.load(source, rel(file));
  sim.run(seconds * 1000);
  await sim.finish();
  const own = demo ? demo.summary(sim) + '; ' : `${plural(sim.output.length, 'line')} printed; `;
  const summary = `${own}${sim.stats.iterations} loop iterations, ${plural(sim.errors.length, 'uncaught error')}, ` +
    `${plural(sim.isrViolations.length, 'call')} from interrupt handlers (${Date.now() - started} ms of wall time)`;
  return { ok: sim.errors.length === 0 && sim.isrViolations.length === 0, summary, sim, errors: sim.errors };
}

/**
 * Runs a built program on the emulated firmware (the project's emulator, ../emulator). Options:
 * seconds, wire ('16:17,...'), firmware, bootrom (paths), target ('kaluma' | 'espruino'), log.
 * Resolves { ok, summary, result, errors, misreported }: errors are the program's uncaught
 * errors (top level, callbacks, unhandled rejections); misreported what the firmware printed as
 * uncaught though the program caught it (counted apart, failing nothing).
 */
export async function emulate(program, file, { seconds, wire, firmware, bootrom, target = 'kaluma', log = console.log } = {}) {
  const demo = program.demo && target === 'kaluma' ? DEMOS[program.name] : null;
  const files = firmwareFiles({ target, firmware, bootrom });
  if (files.missing) throw new Error(files.missing);
  const { emulate: run } = await import('../emulator/index.mjs');
  const w = wire || (demo && demo.wire);
  const started = Date.now();
  const r = await run({
    target, firmware: files.firmware, bootrom: files.bootrom, code: readFileSync(file, 'utf8'), upload: 'flash',
    wires: w ? w.split(',').map((x) => x.split(':').map(Number)) : [], pins: demo && demo.pins ? demo.pins() : [], ms: Math.round(seconds * 1000),
    onLine: (l) => log(stamp(l.ms, l.text)),
  });
  const lines = r.lines.map((l) => l.text);
  const errors = (r.errors || []).map((e) => `${e.kind}${e.where ? ' (' + e.where + ')' : ''}: ${e.text}`);
  const misreported = (r.misreported || []).map((m) => m.text);
  const own = demo && demo.firmwareSummary ? demo.firmwareSummary(lines) : `${plural(lines.length, 'line')} printed`;
  const crash = r.crashed ? `FIRMWARE CRASH: ${r.crashed.kind}${r.crashed.reason ? ' (' + r.crashed.reason + ')' : ''}${r.crashed.where ? ' in ' + r.crashed.where : ''}` : null;
  const how = crash || (r.exitCode === 5 ? `emulator failed: ${r.harnessError || 'harness error'}` : 'no crash');
  const summary = `${own}; ${plural(errors.length, 'uncaught error')}` +
    `; ${misreported.length} misreported by the firmware${misreported.length ? ' (caught by the program, printed as "Uncaught" by Kaluma 1.2.1: not counted)' : ''}` +
    `; ${how} (${((Date.now() - started) / 1000).toFixed(1)} s of wall time, boot and upload included)`;
  for (const e of errors) log(`    uncaught: ${e}`);
  for (const m of misreported) log(`    misreported (not the program's error): ${m}`);
  return { ok: !r.crashed && r.exitCode !== 5 && errors.length === 0, summary, result: r, errors, misreported };
}

/**
 * Runs a built program on an Espruino interpreter binary (`bin`, e.g. the Linux build) for at
 * most `seconds` of wall time. Resolves { ok, summary, errors }: the run fails on any error the
 * interpreter reports as uncaught.
 */
export async function emulateEspruino(program, file, { bin, seconds, log = console.log } = {}) {
  const { runEspruino } = await import('./espruino.mjs');
  const started = Date.now();
  const r = await runEspruino({ bin, code: readFileSync(file, 'utf8'), ms: Math.round(seconds * 1000), onLine: (l) => log(stamp(l.ms, l.text)) });
  const ended = r.stopped ? `stopped after ${seconds} s` : `ended by itself (exit ${r.code})`;
  const summary = `${plural(r.lines.length, 'line')} printed; ${plural(r.errors.length, 'uncaught error')}; ${ended} (${((Date.now() - started) / 1000).toFixed(1)} s of wall time; stamps are wall ms)`;
  for (const e of r.errors) log(`    uncaught: ${e}`);
  return { ok: r.errors.length === 0 && (r.stopped || r.code === 0), summary, errors: r.errors };
}
