// The same board program, run without a board, two ways (one vocabulary: a demo name or a path):
//   npm run sim -- <program> [--seconds N] [--wire OUT:IN] [--input wire|button] [--no-build]
//     the host simulation of a Pico running Kaluma (scripts/kaluma-sim), on virtual time: fast,
//     and it flags an attachInterrupt handler that calls anything;
//   npm run emulate -- <program> [--seconds N] [--wire OUT:IN] [--firmware kaluma.bin] [--no-build]
//     the real Kaluma 1.2.1 firmware in the rp2040js emulator (../shared/kaluma-emu, or
//     --firmware / KALUMA_FIRMWARE): the real engine, heap and interrupts; about 4 s of wall
//     time per emulated second.
// Both build the program first (as `npm run build:board` does, checks included), then print
// what the board prints, each line stamped with the board's ms, then a summary.
// Exit codes: 0 ran cleanly, 1 build/check failure, uncaught error, crash or rule broken,
// 2 bad arguments, 3 the firmware is absent (emulate).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from './build-board.mjs';
import { DEMOS } from './kaluma-sim/demos.mjs';
import { buttonPattern, KalumaSim } from './kaluma-sim/index.mjs';
import { buildProgram, checkProgram, findFirmware, resolveProgram, whyMissing } from './program.mjs';
import { runOnFirmware } from './firmware.mjs';

const stamp = (ms, line) => `[${String(Math.round(ms)).padStart(6)} ms] ${line}`;
const WIRE = /^\d+:\d+$/;

/** Builds and checks `program` unless told not to; returns the bundle path or throws. */
export async function prepare(program, { build = true } = {}) {
  if (!build || !program.source) return program.bundle;
  const built = await buildProgram(program);
  const problems = checkProgram(built.file, { simulate: false });
  if (problems.length) throw new Error(`${relative(process.cwd(), built.file)} fails its checks:\n  ${problems.join('\n  ')}`);
  return built.file;
}

/** Runs a built program in the simulation, printing as it goes. Returns { ok, summary, sim }. */
export function simulate(program, file, { seconds, wire, input, log = console.log } = {}) {
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
  sim.load(readFileSync(file, 'utf8'), relative(process.cwd(), file));
  sim.run(seconds * 1000);
  const own = demo ? demo.summary(sim) + '; ' : `${sim.output.length} lines printed; `;
  const summary = `${own}${sim.stats.iterations} loop iterations, ${sim.errors.length} uncaught errors, ` +
    `${sim.isrViolations.length} calls from interrupt handlers (${Date.now() - started} ms of wall time)`;
  return { ok: sim.errors.length === 0 && sim.isrViolations.length === 0, summary, sim };
}

/** Runs a built program on the emulated firmware. Returns { ok, summary, result }. */
export async function emulate(program, file, { seconds, wire, firmware, log = console.log } = {}) {
  const demo = program.demo ? DEMOS[program.name] : null;
  const started = Date.now();
  const r = await runOnFirmware(file, { ms: Math.round(seconds * 1000), wire: wire || (demo && demo.wire), firmware, wallTimeoutS: Math.max(120, seconds * 30) });
  const lines = [];
  for (const l of r.lines) {
    log(Number.isNaN(l.ms) ? l.text : stamp(l.ms, l.text));
    lines.push(l.text);
  }
  const uncaught = lines.filter((l) => /^Uncaught /.test(l)).length;
  const own = demo && demo.firmwareSummary ? demo.firmwareSummary(lines) : `${lines.length} lines printed`;
  const how = r.crash ? `FIRMWARE CRASH: ${r.crash}` : r.code === 0 ? 'no crash' : `runner exit ${r.code}: ${r.stderr.split('\n').find((l) => /error|timeout/i.test(l)) || ''}`;
  const summary = `${own}; ${uncaught} uncaught errors, ${how} (${((Date.now() - started) / 1000).toFixed(1)} s of wall time, boot and upload included)`;
  return { ok: r.code === 0 && !r.crash && uncaught === 0, summary, result: r };
}

async function main(mode) {
  const usage = `usage: npm run ${mode} -- <${Object.keys(DEMOS).join('|')}|path/app.ts> [--seconds N] [--wire OUT:IN]` +
    (mode === 'sim' ? ' [--input wire|button]' : ' [--firmware kaluma.bin]') + ' [--no-build]';
  let o;
  try {
    o = parseArgs(process.argv.slice(3), mode === 'sim' ? ['seconds', 'wire', 'input'] : ['seconds', 'wire', 'firmware']);
  } catch (e) {
    console.error(`${mode}: ${e.message}\n${usage}`);
    return 2;
  }
  if (o.help || o._.length !== 1) {
    (o.help ? console.log : console.error)(usage);
    return o.help ? 0 : 2;
  }
  if (o.seconds !== undefined && !(Number(o.seconds) > 0)) {
    console.error(`${mode}: --seconds must be a number > 0, not "${o.seconds}"`);
    return 2;
  }
  if (o.wire !== undefined && !o.wire.split(',').every((w) => WIRE.test(w))) {
    console.error(`${mode}: --wire must be OUT:IN pin numbers (e.g. 16:17: input GP17 follows output GP16), not "${o.wire}"`);
    return 2;
  }
  if (o.input !== undefined && o.input !== 'wire' && o.input !== 'button') {
    console.error(`${mode}: --input must be wire (GP16 wired to GP17) or button (a bouncy push button on GP17)`);
    return 2;
  }
  let program;
  try {
    program = resolveProgram(o._[0]);
  } catch (e) {
    console.error(`${mode}: ${e.message}`);
    return 2;
  }
  if (mode === 'emulate' && !findFirmware(o.firmware)) {
    console.error(`emulate: cannot run on the firmware: ${whyMissing(o.firmware)}.\n` +
      '  Give a Kaluma 1.2.1 image with --firmware kaluma-rp2-pico-1.2.1.bin (or KALUMA_FIRMWARE=...), with the runner in ../shared/kaluma-emu;\n' +
      `  or run it in the simulation: npm run sim -- ${o._[0]}`);
    return 3;
  }
  let file;
  try {
    file = await prepare(program, { build: o.build !== false });
  } catch (e) {
    console.error(`${mode}: ${e.message}`);
    return 1;
  }
  const demo = program.demo ? DEMOS[program.name] : null;
  const seconds = o.seconds !== undefined ? Number(o.seconds) : demo ? demo.seconds : 5;
  const where = mode === 'sim' ? 'a simulated Pico (Kaluma 1.2.1, scripts/kaluma-sim)' : 'the Kaluma 1.2.1 firmware (emulated RP2040)';
  console.log(`=== ${program.name}: ${relative(process.cwd(), file)} on ${where}, ${seconds} s of ${mode === 'sim' ? 'virtual' : 'emulated'} time`);
  if (demo || o.wire) console.log(`    wiring: ${o.wire ? 'GP' + o.wire.replace(':', ' wired to GP') : demo.wiring}`);
  const res = mode === 'sim' ? simulate(program, file, { seconds, wire: o.wire, input: o.input }) : await emulate(program, file, { seconds, wire: o.wire, firmware: o.firmware });
  console.log(`--- summary: ${res.summary}`);
  return res.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv[2]).then((code) => process.exit(code));
