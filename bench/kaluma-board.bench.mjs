// The board layer on the real Kaluma 1.2.1 firmware (emulated, ../shared/kaluma-emu): edge → task
// latency, the 4 kHz storm, and the edge rate where overruns begin, each beside a hand-written
// peer measured in the same run. Times are emulated (micros() of a 125 MHz RP2040 without flash
// wait states), so they do not depend on this machine's load. Programs: host-tests/firmware/programs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFirmware, runOnFirmware, whyMissing } from '../scripts/firmware.mjs';
import { program as fromDist, risingEdges } from '../host-tests/firmware/helpers.mjs';

/** Where a measuring program lives: the latency program is shared with the simulation's calibration. */
const PROGRAMS = { 'latency.js': '../scripts/kaluma-sim/programs/latency.js' };
const programUrl = (name) => new URL(PROGRAMS[name] || `../host-tests/firmware/programs/${name}`, import.meta.url);

/**
 * A measuring program with the library bundles before it: from this build's dist/, or from `dir`
 * (another build's dist, say of an older commit: GOALS_BEFORE in bench/kaluma-goals.bench.mjs).
 */
function program(name, prelude = '', options = {}, dir = null) {
  const ext = options.min ? '.min.js' : '.js';
  const read = (f) => readFileSync(dir === null ? new URL(`../dist/${f}`, import.meta.url) : join(dir, f), 'utf8');
  if (dir === null && !PROGRAMS[name]) return fromDist(name, prelude, options);
  return { code: read('threadsafe' + ext) + '\n' + read('threadsafe-kaluma' + ext) + '\n' + prelude + readFileSync(programUrl(name), 'utf8') };
}

export const title = 'Board layer on the Kaluma 1.2.1 firmware (emulated RP2040; emulated time)';
// latency() and stormRun() are also used by bench/kaluma-goals.bench.mjs.

/** Edge → first output toggle of the awaiting task, from the pin log: [µs, ...] sorted. */
function latencies(log, inPin, outPin) {
  const out = [];
  for (let i = 0; i < log.length; i++) {
    const e = log[i];
    if (e.pin !== inPin || e.dir !== 'in' || e.level !== 1) continue;
    const r = log.slice(i + 1).find((x) => x.pin === outPin && x.dir === 'out');
    if (r) out.push(r.us - e.us);
  }
  return out.sort((a, b) => a - b);
}

export async function latency(dir = null) {
  const pins = [];
  for (let i = 0; i < 20; i++) {
    const t = 100 + i * 23.7; // not a multiple of the ms clock
    pins.push({ atMs: +t.toFixed(3), pin: 3, level: 1 }, { atMs: +(t + 2).toFixed(3), pin: 3, level: 0 });
    pins.push({ atMs: +(t + 11).toFixed(3), pin: 5, level: 1 }, { atMs: +(t + 13).toFixed(3), pin: 5, level: 0 });
  }
  const res = await runOnFirmware(program('latency.js', '', { min: true }, dir), { ms: 700, startOn: 'READY', pins, tracePins: [4, 6] });
  if (res.code !== 0 || !res.pinLog) throw new Error(`latency program failed: exit ${res.code}\n${res.stdout}\n${res.stderr.slice(0, 2000)}`);
  const ours = latencies(res.pinLog, 3, 4);
  const hand = latencies(res.pinLog, 5, 6);
  if (ours.length !== 20 || hand.length !== 20) throw new Error(`expected 20 wake-ups each, got ${ours.length} and ${hand.length}`);
  return { ours, hand };
}

/**
 * The 4 kHz storm (10,000 RISING edges on GP2, a 1 ms heap-churn interval, a 10 ms interval
 * counting its calls) for one consumer and queue: `mode` 'batch' (ready() + getManySync()) or
 * 'next' (one next() per item), `slots`, `typed` (a Uint16Array queue and batch, else Arrays).
 * Returns { delivered: % delivered by the end of the storm, ticks: % of the 10 ms interval's due
 * calls made during the storm, taken3s: % the consumer had taken by 3 s, calls3s: the interval's
 * calls by 3 s (300 due) }.
 */
export async function stormRun(mode, slots = 64, typed = false, dir = null) {
  const EDGES = 10000;
  const START = 50;
  const END = START + EDGES * 0.25;
  const pins = risingEdges(2, EDGES, 0.25, START);
  const res = await runOnFirmware(program('storm.js', `var STORM_MODE = '${mode}'; var STORM_SLOTS = ${slots}; var STORM_TYPED = ${typed};\n`, { min: true }, dir), { ms: 3150, startOn: 'READY', pins });
  if (res.code !== 0) throw new Error(`storm (${mode}, ${slots}${typed ? ', Uint16Array' : ''}) failed: exit ${res.code}\n${res.stdout}`);
  const reports = res.lines.filter((l) => /^T /.test(l.text)).map((l) => {
    const w = l.text.split(' ');
    const o = {};
    for (let i = 0; i + 1 < w.length; i += 2) o[w[i]] = Number(w[i + 1]);
    return o;
  });
  const atEnd = reports.find((c) => c.T >= END);
  const at3 = reports.find((c) => c.T >= 3000) || reports[reports.length - 1];
  const last = reports[reports.length - 1];
  if (last.recorded !== last.delivered + last.dropped + last.pending) throw new Error(`storm (${mode}): records unaccounted for ${JSON.stringify(last)}`);
  const during = reports.filter((c) => c.T >= START + 400 && c.T <= END);
  const ticks = (during[during.length - 1].ticks - during[0].ticks) / ((during[during.length - 1].T - during[0].T) / 10);
  return { delivered: (100 * atEnd.delivered) / EDGES, ticks: 100 * ticks, taken3s: (100 * at3.got) / EDGES, calls3s: (at3.ticks * 3000) / at3.T };
}

/** Overruns per second at a PWM frequency (2 × hz edges/s), for 'lib' or 'hand'. */
async function overrunsAt(hz, mode) {
  const res = await runOnFirmware(program('rate.js', `var HZ = ${hz}; var MODE = '${mode}';\n`), { ms: 2200, wire: '16:17', startOn: 'READY' });
  const rep = res.lines.filter((l) => /^edges /.test(l.text)).map((l) => l.text.split(' ').map(Number));
  if (res.code !== 0) throw new Error(`rate ${hz} Hz (${mode}) failed: exit ${res.code}\n${res.stdout}`);
  if (rep.length < 3) return { edgesPerS: 0, overrunsPerS: Infinity }; // the loop could not even print: overloaded
  const a = rep[1];
  const b = rep[rep.length - 1];
  return { edgesPerS: (b[1] - a[1]) / ((rep.length - 2) * 0.5), overrunsPerS: (b[3] - a[3]) / ((rep.length - 2) * 0.5) };
}

/** The highest tried edge rate (edges/s) with no overrun. */
async function onset(mode) {
  let best = 0;
  for (const hz of [250, 500, 1000, 2000, 4000]) {
    const r = await overrunsAt(hz, mode);
    if (r.overrunsPerS > 0) break;
    best = 2 * hz;
  }
  return best;
}

export default async function run() {
  if (!findFirmware()) {
    console.log(`skipped: ${whyMissing()}`);
    return [];
  }
  // Latency and the storms are rows of bench/kaluma-goals.bench.mjs (each beside its peer).
  const [libOnset, handOnset] = await Promise.all([onset('lib'), onset('hand')]);
  return [
    {
      name: 'CHANGE edges/s on a wire (PWM) with no overrun, InterruptSource → queue → ready() + getManySync()', unit: 'edges/s', value: libOnset, higherIsBetter: true,
      peers: [{ name: 'hand-written 16-slot primitive ring + setInterval(0) poller', value: handOnset }],
      note: 'highest of 500, 1000, 2000, 4000, 8000 edges/s tried',
    },
  ];
}
