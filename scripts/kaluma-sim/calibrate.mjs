// Calibration of the simulation's cost model: runs generic microbenchmarks
// (calibrate-program.js: loops, operators, variables, properties, calls, allocation, promise
// jobs, timers, an interrupt storm) on the real Kaluma firmware (emulated) and on the
// simulation, prints both side by side, and the unit costs fitted from the firmware's figures
// (to be copied into cost.mjs UNIT_COSTS and index.mjs DEFAULTS when they move).
//
//   node scripts/kaluma-sim/calibrate.mjs          # firmware (about 40 s of wall time) + sim
//   node scripts/kaluma-sim/calibrate.mjs --sim    # the simulation only
//   node scripts/kaluma-sim/calibrate.mjs --write  # also store the firmware figures in calibration.json
import { readFileSync, writeFileSync } from 'node:fs';
import { KalumaSim, squareWave } from './index.mjs';

export const PROGRAM = readFileSync(new URL('./calibrate-program.js', import.meta.url), 'utf8');
const STORM = [2800, 3300]; // ms after the top level: 4 kHz rising edges on GP2
const MS = 3600;

/** "CAL name µs" lines → { name: µs }. */
function figures(texts) {
  const out = {};
  for (const t of texts) {
    const m = /^CAL (\w+) (-?[\d.]+)$/.exec(t);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** The microbenchmarks' figures on the simulation (deterministic). */
export function simFigures(options = {}) {
  const sim = new KalumaSim(options);
  const start = sim.now;
  sim.load(PROGRAM, 'calibrate-program.js');
  const t0 = sim.now;
  sim.drive(2, squareWave(4000, { startUs: t0 + STORM[0] * 1000, until: t0 + STORM[1] * 1000 }));
  sim.run(MS - (t0 - start) / 1000);
  if (sim.errors.length) throw new Error(sim.errors.join('\n'));
  return figures(sim.lines());
}

/** The microbenchmarks' figures on the emulated firmware. */
export async function firmwareFigures() {
  const { runOnFirmware } = await import('../firmware.mjs');
  const pins = [];
  for (let t = STORM[0]; t < STORM[1]; t += 0.25) pins.push({ atMs: +t.toFixed(3), pin: 2, level: 1 }, { atMs: +(t + 0.125).toFixed(3), pin: 2, level: 0 });
  const res = await runOnFirmware({ code: PROGRAM }, { ms: MS, pins, until: 'END' });
  if (res.code !== 0) throw new Error(`calibration program failed on the firmware (exit ${res.code}):\n${res.stdout.slice(-2000)}`);
  return figures(res.lines.map((l) => l.text));
}

/**
 * Unit costs from the firmware's figures (µs per iteration of each microbenchmark, loop
 * included). Each line is the benchmark minus what the model already prices in it.
 */
export function fit(f) {
  const c = {};
  c.op = (f.op3 - f.loop) / 3; // s = (s + i) & 0xffff: three operators on registers
  c.branch = f.loop - 2 * c.op; // i < n, i++ and the jump
  c.env = f.envRead - f.loop - c.op;
  c.global = f.globalRead - f.loop - c.op;
  c.call = f.call0 - f.loop;
  c.arg = (f.call2 - f.call0) / 2;
  c.prop = (f.propRead + f.propWrite + f.protoRead) / 3 - f.loop - c.op;
  c.object = f.objLit - f.loop - c.op;
  c.array = f.arrLit - f.loop - c.op;
  c.construct = f.newE - f.loop - c.op - c.call;
  c.closure = f.closure - f.loop - c.op;
  c.then = f.then - f.loop - c.call - c.prop - c.arg;
  c.promiseResolve = f.promiseResolve - f.loop - c.call - c.prop - c.arg - c.global;
  c.newPromise = f.newPromise - f.loop - 2 * c.call - c.construct - c.arg - c.global;
  const engine = {
    jobUs: f.job, // a pre-built chain of reactions calling an empty function
    callbackUs: (f.interval4 - f.interval1) / 3, // each extra empty setInterval(0) callback
    // one iteration with one callback that does `calls++` (a captured variable: 2 env + op)
    loopUs: f.interval1 - (f.interval4 - f.interval1) / 3 - (2 * c.env + c.op),
    // the handler `edges = (edges + 1) & 0x7ffffff` on a captured variable: 2 env + 3 op
    isrUs: f.isr - (2 * c.env + 3 * c.op),
  };
  const round = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  return { costs: round(c), engine: round(engine) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = simFigures();
  let fw = null;
  if (!process.argv.includes('--sim')) {
    const { findFirmware, whyMissing } = await import('../firmware.mjs');
    if (findFirmware()) fw = await firmwareFigures();
    else console.log(`firmware not run: ${whyMissing()}`);
  }
  console.log('benchmark        firmware µs    sim µs   sim/firmware');
  for (const name of Object.keys({ ...sim, ...fw })) {
    const a = fw ? fw[name] : undefined;
    const b = sim[name];
    console.log(`${name.padEnd(16)} ${String(a ?? '-').padStart(11)} ${String(b ?? '-').padStart(9)}   ${a && b ? (b / a).toFixed(2) : ''}`);
  }
  if (fw) console.log('\nfitted from the firmware:', JSON.stringify(fit(fw), null, 2));
  if (fw && process.argv.includes('--write')) {
    const file = new URL('./calibration.json', import.meta.url);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.firmware = fw;
    doc.about = doc.about.replace(/Mean of three runs[^.]*\.( \([^)]*\))?/, 'One run.');
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    console.log(`wrote ${file.pathname}`);
  }
}
