// `threadsafe sim <demo | app.ts | app.js> [--seconds N] [--wire OUT:IN] [--input wire|button] [--no-build]`
import { relative } from 'node:path';
import { parseArgs } from '../lib/args.mjs';
import { DEMOS } from '../kaluma-sim/demos.mjs';
import { resolveProgram } from '../lib/program.mjs';
import { userCwd } from '../lib/root.mjs';
import { prepare, simulate, unsimulatedModules } from '../lib/run.mjs';
import { SIM_MODULES } from '../kaluma-sim/index.mjs';
import { readFileSync } from 'node:fs';

export const help = `threadsafe sim <demo | app.ts | app.js> [--seconds N] [--wire OUT:IN] [--input wire|button] [--no-build]

Builds the program (as \`threadsafe build\` does, checks included) and runs it on the host
simulation of a Raspberry Pi Pico running Kaluma 1.2.1: virtual time (fast, deterministic),
Kaluma's globals and modules, its main loop and interrupt timing; an attachInterrupt handler
that calls anything is flagged. Prints what the board prints, each line stamped with the ms
since the program started, then a summary.

  --seconds  virtual seconds to run (default: the demo's, else 5)
  --wire     jumper wires OUT:IN[,OUT:IN...]: input GP<IN> follows output GP<OUT>
  --input    for the button demo: wire (GP16 wired to GP17, default) or button (a bouncy push button on GP17)
  --no-build run the bundle already built

Exit codes: 0 ran cleanly, 1 the build or a check failed, the program threw uncaught (top level,
timer, callback, unhandled rejection) or an interrupt handler called something, 2 bad arguments.`;

const WIRE = /^\d+:\d+$/;

/** Checks the options sim and emulate share; returns an error message or null. */
export function badRunOptions(o) {
  if (o.seconds !== undefined && !(Number(o.seconds) > 0)) return `--seconds must be a number > 0, not "${o.seconds}"`;
  if (o.wire !== undefined && !o.wire.split(',').every((w) => WIRE.test(w))) return `--wire must be OUT:IN pin numbers (e.g. 16:17: input GP17 follows output GP16), not "${o.wire}"`;
  if (o.input !== undefined && o.input !== 'wire' && o.input !== 'button') return '--input must be wire (GP16 wired to GP17) or button (a bouncy push button on GP17)';
  return null;
}

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv, ['seconds', 'wire', 'input'], ['build']);
  } catch (e) {
    console.error(`sim: ${e.message}\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  if (o.help) {
    console.log(help);
    return 0;
  }
  if (o._.length !== 1) {
    console.error(`sim: one program is needed\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  const bad = badRunOptions(o);
  if (bad) {
    console.error(`sim: ${bad}`);
    return 2;
  }
  let program;
  try {
    program = resolveProgram(o._[0]);
  } catch (e) {
    console.error(`sim: ${e.message}`);
    return 2;
  }
  let prepared;
  try {
    prepared = await prepare(program, { build: o.build !== false });
  } catch (e) {
    console.error(`sim: ${e.message}`);
    return 1;
  }
  for (const w of prepared.warnings) console.error(`sim: warning: ${w}`);
  const missing = unsimulatedModules(readFileSync(prepared.file, 'utf8'));
  if (missing.length) {
    console.error(`sim: ${relative(userCwd(), prepared.file)} requires Kaluma's ${missing.map((m) => `'${m}'`).join(', ')} module${missing.length > 1 ? 's' : ''}, ` +
      `which the simulation does not model (it models ${Object.keys(SIM_MODULES).join(', ')} and Kaluma's globals): run it on the firmware with \`threadsafe emulate\``);
    return 1;
  }
  const demo = program.demo ? DEMOS[program.name] : null;
  const seconds = o.seconds !== undefined ? Number(o.seconds) : demo ? demo.seconds : 5;
  console.log(`=== ${program.name}: ${relative(userCwd(), prepared.file)} on a simulated Pico (Kaluma 1.2.1), ${seconds} s of virtual time`);
  if (demo || o.wire) console.log(`    wiring: ${o.wire ? o.wire.split(',').map((w) => 'GP' + w.replace(':', ' wired to GP')).join(', ') : demo.wiring}`);
  let res;
  try {
    res = await simulate(program, prepared.file, { seconds, wire: o.wire, input: o.input });
  } catch (e) {
    console.error(`sim: ${e.message}`);
    return 1;
  }
  console.log(`--- summary: ${res.summary}`);
  return res.ok ? 0 : 1;
}
