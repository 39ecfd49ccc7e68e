// Scenarios run the same way on the simulation and on the real firmware (emulated), each
// reduced to one figure, so that the simulation's figures can be held against the firmware's
// (host-tests/firmware/sim-calibration.test.mjs, bench/kaluma-sim.bench.mjs). They exercise the
// library and the demos; the simulation's cost model is NOT fitted to them (calibrate.mjs fits it
// from generic microbenchmarks), so they check that the model stays true as the library changes.
//
//   scenario.sim() → { value, detail }            deterministic, a fraction of a second
//   await scenario.firmware() → { value, detail }  a few emulated seconds (scripts/firmware.mjs)
import { readFileSync } from 'node:fs';
import { KalumaSim } from './index.mjs';
import { runDemo } from './demos.mjs';

const dist = (name) => readFileSync(new URL(`../../dist/${name}`, import.meta.url), 'utf8');
const LIBRARY = () => dist('threadsafe.js') + '\n' + dist('threadsafe-kaluma.js') + '\n';
const LATENCY = () => readFileSync(new URL('./programs/latency.js', import.meta.url), 'utf8');

async function firmware(program, options) {
  const { runOnFirmware } = await import('../firmware.mjs');
  const res = await runOnFirmware(program, options);
  if (res.code !== 0) throw new Error(`firmware run failed (exit ${res.code}${res.crash ? ', ' + res.crash : ''}):\n${res.stdout.slice(-1500)}\n${res.stderr.slice(-800)}`);
  return res;
}

/** Lines "R <ms> <count>" → count per second between the first and the last (skipping the first `skip`). */
function rateOf(texts, skip = 1) {
  const rows = texts.map((t) => /^R (\d+) (\d+)$/.exec(t)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]).slice(skip);
  if (rows.length < 2) throw new Error(`not enough "R ms count" lines: ${texts.join(' | ')}`);
  const [a, b] = [rows[0], rows[rows.length - 1]];
  return { value: ((b[1] - a[1]) * 1000) / (b[0] - a[0]), detail: `${b[1] - a[1]} in ${b[0] - a[0]} ms` };
}

/** Runs `code` on a fresh simulated board for `ms`; its printed lines. */
function simLines(code, ms, setup) {
  const sim = new KalumaSim();
  if (setup) setup(sim);
  sim.load(code);
  sim.run(ms);
  if (sim.errors.length) throw new Error(sim.errors.join('\n'));
  return sim;
}

// Printing "R <ms> <count>" every 500 ms from the program: a rate both sides measure alike.
const REPORT = (expr) => `\nsetInterval(function () { console.log('R ' + millis() + ' ' + (${expr})); }, 500);\n`;

/** Latency (µs) from each rising edge on `input` to the next change of `output`, from a pin log. */
function latencies(log, input, output) {
  const out = [];
  for (let i = 0; i < log.length; i++) {
    const e = log[i];
    if (e.pin !== input || e.level !== 1) continue;
    const next = log.slice(i + 1).find((x) => x.pin === output);
    if (next) out.push(next.us - e.us);
  }
  return out;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Edges for the latency program: 20 rising edges on GP3 and 20 on GP5, 50 ms apart, 10 ms high.
const LATENCY_EDGES = 20;
function latencyPins() {
  const pins = [];
  for (let i = 0; i < LATENCY_EDGES; i++) {
    for (const [pin, at] of [[3, 100 + 50 * i], [5, 125 + 50 * i]]) pins.push({ atMs: at, pin, level: 1 }, { atMs: at + 10, pin, level: 0 });
  }
  return pins;
}
const LATENCY_MS = 100 + 50 * LATENCY_EDGES + 100;
function latencyFigures(log, which) {
  const [input, output] = which === 'source' ? [3, 4] : [5, 6];
  const xs = latencies(log, input, output);
  if (xs.length < LATENCY_EDGES - 2) throw new Error(`only ${xs.length} of ${LATENCY_EDGES} edges reached the task (GP${input} → GP${output})`);
  return { value: median(xs) / 1000, detail: `median of ${xs.length}, min ${(Math.min(...xs) / 1000).toFixed(2)} ms, max ${(Math.max(...xs) / 1000).toFixed(2)} ms` };
}

// The latency program runs once per side and serves both latency scenarios.
let latencyRuns = null;
function latencyRun(side) {
  latencyRuns = latencyRuns || {};
  if (!latencyRuns[side]) {
    if (side === 'sim') {
      const sim = new KalumaSim();
      sim.load(LIBRARY() + LATENCY());
      const t0 = sim.now;
      const edges = latencyPins().map((p) => ({ t: t0 + p.atMs * 1000, pin: p.pin, level: p.level }));
      for (const pin of [3, 5]) {
        const mine = edges.filter((e) => e.pin === pin);
        let i = 0;
        sim.drive(pin, { initial: 0, next: () => (i < mine.length ? mine[i++] : null) });
      }
      sim.trace(3, 4, 5, 6);
      sim.run(LATENCY_MS);
      if (sim.errors.length) throw new Error(sim.errors.join('\n'));
      latencyRuns.sim = sim.pinLog;
    } else {
      latencyRuns.firmware = firmware({ code: LIBRARY() + LATENCY() }, { ms: LATENCY_MS, startOn: 'READY', pins: latencyPins(), tracePins: [3, 4, 5, 6] })
        .then((res) => res.pinLog);
    }
  }
  return latencyRuns[side];
}

const HANDOVER = `
var q = new threadsafe.ThreadSafeQueue(new Array(64));
var got = 0;
function consume() { q.next().then(function (r) { got++; consume(); }); }
consume();
var x = 0;
setInterval(function () { if (!q.full()) q.putSync(++x); }, 0);
` + REPORT('got');

const ECHO = () => dist('board/echo.js') + REPORT('echo.received()');

/** The button demo's "N s: E edges (R/s), ..." lines → delivered edges per second after the first. */
function buttonRate(texts) {
  const rows = texts.map((t) => /^(\d+) s: (\d+) edges/.exec(t)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]);
  if (rows.length < 2) throw new Error(`not enough per-second lines: ${texts.join(' | ')}`);
  const [a, b] = [rows[0], rows[rows.length - 1]];
  return { value: (b[1] - a[1]) / (b[0] - a[0]), detail: `${b[1] - a[1]} edges from ${a[0]} s to ${b[0]} s` };
}

export const SCENARIOS = [
  {
    name: 'hand-over: putSync in a setInterval(0) callback → consumer awaiting next()',
    unit: 'items/s',
    higherIsBetter: true,
    sim: () => rateOf(simLines(LIBRARY() + HANDOVER, 2100).lines()),
    firmware: async () => rateOf((await firmware({ code: LIBRARY() + HANDOVER }, { ms: 2100 })).lines.map((l) => l.text)),
  },
  {
    name: 'echo demo (dist/board/echo.js): items received',
    unit: 'items/s',
    higherIsBetter: true,
    sim: () => rateOf(simLines(ECHO(), 2100).lines()),
    firmware: async () => rateOf((await firmware({ code: ECHO() }, { ms: 2100 })).lines.map((l) => l.text)),
  },
  {
    name: 'edge → task: InterruptSource → ThreadSafeFlag → task toggles a pin (median of 20)',
    unit: 'ms',
    higherIsBetter: false,
    sim: () => latencyFigures(latencyRun('sim'), 'source'),
    firmware: async () => latencyFigures(await latencyRun('firmware'), 'source'),
  },
  {
    name: 'edge → task: primitive handler polled by setInterval(0), resolves a promise (median of 20)',
    unit: 'ms',
    higherIsBetter: false,
    sim: () => latencyFigures(latencyRun('sim'), 'hand'),
    firmware: async () => latencyFigures(await latencyRun('firmware'), 'hand'),
  },
  {
    name: 'button demo, GP16 PWM 500 Hz wired to GP17 (1000 edges/s): edges delivered',
    unit: 'edges/s',
    higherIsBetter: true,
    sim: () => buttonRate(runDemo('button', { seconds: 3.2 }).lines),
    firmware: async () => buttonRate((await firmware('dist/board/button.js', { ms: 3200, wire: '16:17' })).lines.map((l) => l.text)),
  },
];
