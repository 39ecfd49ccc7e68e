// The highest edge rate a pin interrupt sustains without losing an edge, on the simulated Pico
// (scripts/kaluma-sim, virtual time): the library's InterruptSource feeding a ThreadSafeQueue
// that an async consumer drains, against a bare counter handler (`n = n + (events === 12 ? 2 : 1)`,
// the least an interrupt can do; both count a latched pair, kind 12, as two edges). "Sustains" = over a quarter of a simulated second every edge
// reaches the consumer (or the counter) and nothing overruns. Found by bisection over the rate
// of a square wave on the pin; the median over three phases of the wave.
//
// These are figures of the simulation's cost model, calibrated on the real firmware from generic
// microbenchmarks (scripts/kaluma-sim/calibrate.mjs: the JavaScript each callback runs is
// counted and priced, plus ~12 µs per loop iteration, 25 µs per callback, 118 µs per promise
// job, 29 µs interrupt latency). Then, where the emulated firmware is present
// (../shared/kaluma-emu), the scenarios of scripts/kaluma-sim/scenarios.mjs: each simulated
// figure beside the firmware's, from the same program (host-tests/firmware/sim-calibration.test.mjs
// holds them within 2×).
import { readFileSync } from 'node:fs';
import { KalumaSim, squareWave } from '../scripts/kaluma-sim/index.mjs';
import { SCENARIOS } from '../scripts/kaluma-sim/scenarios.mjs';
import { findFirmware, whyMissing } from '../scripts/firmware.mjs';

export const title = 'Kaluma pin interrupt: edges/s sustained without overrun (simulated Pico)';

const CORE = readFileSync(new URL('../dist/threadsafe.js', import.meta.url), 'utf8');
const KALUMA = readFileSync(new URL('../dist/threadsafe-kaluma.js', import.meta.url), 'utf8');
const PIN = 17;
const SECONDS = 0.25;

const CANDIDATES = {
  bare: `
    var n = 0;
    function isr(pin, events) { n = (n + (events === 12 ? 2 : 1)) & 0x7ffffff; }
    attachInterrupt(${PIN}, isr, CHANGE);
    function received() { return n; }
    function lost() { return 0; }`,
  source: (options) => `
    var q = new threadsafe.ThreadSafeQueue(new Array(64));
    var src = new threadsafeKaluma.InterruptSource(${PIN}, q, ${JSON.stringify(options)});
    var n = 0;
    function consume() { q.next().then(function (r) { n += r.value === CHANGE ? 2 : 1; consume(); }); }
    consume();
    function received() { return n; }
    function lost() { return src.overruns(); }`,
};

// The button demo bundle as uploaded, its GP17 driven by the simulation instead of the jumper;
// every edge received = every interrupt call recorded and delivered, none overrun.
const BUTTON = readFileSync(new URL('../dist/board/button.js', import.meta.url), 'utf8') + `
    function received() { return source.delivered() === source.recorded() && source.recorded() === __irqCalls() ? __edges() : -1; }
    function lost() { return source.overruns(); }`;

/** Runs one candidate at `rate` edges/s; returns { edges, received, lost, latched }. */
function trial(program, rate, phase) {
  const sim = new KalumaSim();
  sim.context.__irqCalls = () => sim.stats.irqCalls;
  sim.context.__edges = () => sim.edgesOn(PIN);
  if (program === BUTTON) sim.load(program);
  else sim.load(CORE).load(KALUMA).load(program);
  // The wave starts after 10 ms: the steady state, not the first collection (which comes 1–2 ms
  // after the first wait, as a Kaluma setInterval first fires when its due ms has passed).
  const start = sim.now + 10000 + phase * (1e6 / rate);
  sim.drive(PIN, squareWave(rate / 2, { startUs: start, until: start + SECONDS * 1e6 }));
  sim.run(SECONDS * 1000 + 40); // the wave stops; 30 ms more lets the main loop catch up
  if (sim.errors.length) throw new Error(sim.errors.join('\n'));
  return { edges: sim.edgesOn(PIN), received: sim.evaluate('received()'), lost: sim.evaluate('lost()'), latched: sim.stats.latched };
}

const sustains = (program, rate, phase) => {
  const r = trial(program, rate, phase);
  return r.lost === 0 && r.received === r.edges;
};

/** The highest rate (edges/s, to 2 %) at which `program` loses nothing. */
function maxRate(program, phase) {
  let lo = 50;
  let hi = 200000;
  if (!sustains(program, lo, phase)) return 0;
  while (hi / lo > 1.02) {
    const mid = Math.sqrt(lo * hi);
    if (sustains(program, mid, phase)) lo = mid;
    else hi = mid;
  }
  return Math.round(lo);
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function run() {
  const variants = [
    ['InterruptSource → ThreadSafeQueue (default: pollMs 0, every loop iteration)', CANDIDATES.source({})],
    ['InterruptSource → ThreadSafeQueue (pollMs 1)', CANDIDATES.source({ pollMs: 1 })],
    ['InterruptSource → ThreadSafeQueue (idle: false, no wait tracking)', CANDIDATES.source({ idle: false })],
    ['button demo (dist/board/button.js), GP17 driven', BUTTON],
  ];
  // Correctness first: at 100 edges/s every candidate delivers every edge, and at a rate far
  // beyond its limit each reports the loss (the source as overruns, the bare counter as a
  // shortfall: edges latched into one interrupt).
  for (const [name, program] of [['bare counter', CANDIDATES.bare], ...variants]) {
    const ok = trial(program, 100, 0.3);
    if (ok.received !== ok.edges || ok.lost !== 0) throw new Error(`${name}: at 100 edges/s received ${ok.received} of ${ok.edges}, lost ${ok.lost}`);
    const over = trial(program, 100000, 0.3);
    if (over.received === over.edges && over.lost === 0) throw new Error(`${name}: no loss reported at 100000 edges/s`);
  }
  const phases = [0.1, 0.4, 0.7];
  const bare = median(phases.map((p) => maxRate(CANDIDATES.bare, p)));
  const rows = [];
  for (const [name, program] of variants) {
    rows.push({
      name,
      unit: 'edges/s',
      value: median(phases.map((p) => maxRate(program, p))),
      higherIsBetter: true,
      peers: [{ name: 'bare counter handler (n += 1 or 2)', value: bare }],
      note: 'simulated Pico (calibrated cost model of scripts/kaluma-sim); the bare counter loses edges when 3 land within one handler call; the source when the main loop falls 16 records behind',
    });
  }
  // The simulation beside the firmware, scenario by scenario (the firmware runs two at a time).
  const fw = findFirmware();
  if (!fw) console.error(`kaluma-sim bench: firmware figures skipped: ${whyMissing()}`);
  const firmware = fw ? SCENARIOS.map((s) => s.firmware().catch((e) => e)) : [];
  for (let i = 0; i < SCENARIOS.length; i++) {
    const s = SCENARIOS[i];
    const sim = s.sim();
    const f = fw ? await firmware[i] : null;
    if (f instanceof Error) throw f;
    rows.push({
      name: `simulated: ${s.name}`,
      unit: s.unit,
      value: sim.value,
      higherIsBetter: s.higherIsBetter,
      peers: f ? [{ name: 'the same on the firmware (emulated Kaluma 1.2.1)', value: f.value }] : [],
      note: f ? `simulation ${sim.detail}; firmware ${f.detail}; held within 2× by host-tests/firmware/sim-calibration.test.mjs` : `simulation ${sim.detail}; no firmware here`,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  console.log(JSON.stringify(await run(), null, 2), `${Date.now() - t0} ms`);
}
