// The goals of the core on its own target, measured on the emulated Kaluma 1.2.1 firmware
// (../shared/kaluma-emu), each row beside its hand-written (or named) peer from the same run,
// with the goal in the note: edge -> task latency, the hand-over to a waiting consumer, the
// 4 kHz interrupt storm with each consumer and queue, and the heap and start-up a board program
// pays for what it imports.
//
//   node bench/run.mjs kaluma-goals          (after npm run build; a few minutes of wall time)
//   GOALS_BEFORE=/path/to/old/dist node bench/run.mjs kaluma-goals
//                                            also runs another build's dist (latency, storms,
//                                            hand-over) and prints it as a "before" peer
//   GOALS_ROWS=handover,array64,next node bench/run.mjs kaluma-goals
//                                            only those rows (and their peers): latency,
//                                            handover, array64, typed64, typed256, next, heap
import { readFileSync } from 'node:fs';
import { findFirmware, whyMissing } from '../scripts/firmware.mjs';
import { emptyProgram, loadCost } from '../scripts/firmware-heap.mjs';
import { measureHandFlag, measurePrograms, PROGRAMS } from '../host-tests/firmware/heap-programs.mjs';
import { latency, stormRun } from './kaluma-board.bench.mjs';
import { measureOps } from './kaluma-fw.bench.mjs';
import { median } from './util.mjs';

export const title = 'Goals on the Kaluma 1.2.1 firmware (emulated RP2040): each beside its peer from the same run';

const MIN = (dir) => readFileSync(`${dir}/threadsafe.min.js`, 'utf8');

/** The storm variants of the table: [mode, slots, typed]. */
const STORMS = { array64: ['batch', 64, false], typed64: ['batch', 64, true], typed256: ['batch', 256, true], array256: ['batch', 256, false], next: ['next', 64, false] };

/** The rows GOALS_ROWS selects (all without it); a storm row brings the storm its peer is. */
const PEER_OF = { array64: 'next', typed64: 'array64', typed256: 'array256', next: 'array64' };
const WANT = process.env.GOALS_ROWS ? new Set(process.env.GOALS_ROWS.split(',').map((w) => w.trim())) : null;
const want = (k) => WANT === null || WANT.has(k);

async function storms(dir) {
  const out = {};
  const keys = Object.keys(STORMS).filter((k) => want(k) || Object.entries(PEER_OF).some(([r, p]) => p === k && want(r)));
  await Promise.all(keys.map(async (k) => { const a = STORMS[k]; out[k] = await stormRun(a[0], a[1], a[2], dir); }));
  return out;
}

export default async function run() {
  if (!findFirmware()) {
    console.log(`skipped: ${whyMissing()}`);
    return [];
  }
  const dist = new URL('../dist', import.meta.url).pathname;
  const beforeDir = process.env.GOALS_BEFORE || null;
  const [lat, st, ops, progs, hand, core, empty, latB, stB, opsB] = await Promise.all([
    want('latency') ? latency() : null,
    storms(null),
    want('handover') ? measureOps(MIN(dist)) : null,
    want('heap') ? measurePrograms() : null,
    want('heap') ? measureHandFlag() : null,
    want('heap') ? loadCost(MIN(dist)) : null,
    want('heap') ? emptyProgram() : null,
    beforeDir && want('latency') ? latency(beforeDir) : null,
    beforeDir ? storms(beforeDir) : null,
    beforeDir && want('handover') ? measureOps(MIN(beforeDir)) : null,
  ]);
  const before = (v) => (beforeDir && v !== undefined && v !== null ? [{ name: `before (${beforeDir})`, value: v }] : []);
  const us = (v) => Number(v.toFixed(1));
  const pct = (v) => Number(v.toFixed(1));
  const rows = [];
  if (lat) rows.push(
    {
      name: 'edge → task, InterruptSource → ThreadSafeFlag (median of 20)', unit: 'µs', value: median(lat.ours), higherIsBetter: false,
      peers: [{ name: 'hand-written: primitive counter ISR + setInterval(0) poller resolving a promise', value: median(lat.hand) }, ...before(latB && median(latB.ours))],
      note: 'goal ≤ 1.5× the hand-written peer',
    });
  if (ops) rows.push(
    {
      name: 'hand-over, setInterval(0) producer → await q.get(), per item (minified bundle)', unit: 'µs', value: us(ops['handover-get']), higherIsBetter: false,
      peers: [{ name: 'hand-written array + resolver queue', value: us(ops['handover-hand']) }, ...before(opsB && us(opsB['handover-get']))],
      note: 'goal ≤ 1.3×',
    },
    {
      name: 'hand-over → q.next(), per item (minified bundle)', unit: 'µs', value: us(ops['handover-next']), higherIsBetter: false,
      peers: [{ name: 'hand-written array + resolver queue (2nd run)', value: us(ops['handover-hand2']) }, ...before(opsB && us(opsB['handover-next']))],
      note: 'goal ≤ 1.3×',
    });
  const storm = (key, label, peerKey, peerLabel, goalDelivered, goalTicks) => {
    if (!want(key)) return;
    const s = st[key];
    const p = st[peerKey];
    const b = stB && stB[key];
    rows.push({
      name: `4 kHz storm (10,000 RISING edges, 1 ms heap churn), ${label}: delivered by the end of the storm`, unit: '%', value: pct(s.delivered), higherIsBetter: true,
      peers: [{ name: peerLabel, value: pct(p.delivered) }, ...before(b && pct(b.delivered))], note: goalDelivered,
    });
    rows.push({
      name: `the same, ${label}: 10 ms interval calls made during the storm`, unit: '% of due', value: pct(s.ticks), higherIsBetter: true,
      peers: [{ name: peerLabel, value: pct(p.ticks) }, ...before(b && pct(b.ticks))], note: goalTicks,
    });
  };
  storm('array64', 'ready() + getManySync(), 64-slot Array', 'next', 'one next() per item', 'goal ≥ 90 %', 'goal ≥ 50 % (150 of 300)');
  storm('typed64', 'the same, 64-slot Uint16Array', 'array64', '64-slot Array', 'goal ≥ 90 %', 'goal ≥ 50 % (150 of 300)');
  storm('typed256', 'the same, 256-slot Uint16Array', 'array256', '256-slot Array', 'goal: no worse than an Array', 'goal: no worse than an Array');
  storm('next', 'one next() per item (for await), 64-slot Array', 'array64', 'ready() + getManySync()', 'the price of one promise job per item', 'goal ≥ 30 % (90 of 300)');
  if (!want('heap')) return rows;
  for (const [name, p] of Object.entries(PROGRAMS)) {
    const c = progs[name];
    rows.push({
      name: `heap after load (top level run) of a board program that uses ${p.what}`, unit: 'B', value: c.heapAfterRun, higherIsBetter: false,
      peers: name === 'flag' ? [{ name: 'a hand-written flag', value: hand.heapAfterRun }] : [],
      note: `goal ≤ ${p.goal} B; ${c.bytes} B of script, heap after parse ${c.heap} B (the empty program uses ${empty.p1.heap} B of 184,312)`,
    });
  }
  rows.push({
    name: 'start-up (parse + top level) of the all-in program over an empty one', unit: 'ms', value: Number((progs.all.loadUs / 1000).toFixed(1)), higherIsBetter: false,
    peers: [{ name: 'dist/threadsafe.min.js alone', value: Number((core.loadUs / 1000).toFixed(1)) }],
    note: 'goal ≤ +150 ms',
  });
  return rows;
}
