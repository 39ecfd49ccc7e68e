// Bytes allocated per operation, measured by V8 in a child process (bench/alloc-probe.mjs says
// exactly how: no collection inside the measured window, least of 5 windows, minus the cost of
// an empty loop). Goal: 0 B/op for the synchronous operations interrupt-driven code calls.
// A wake-up cycle (a task awaits, something wakes it) must allocate at least a promise; those
// rows compare its cost with what a hand-written queue/event and it-pushable pay.
import { existsSync } from 'node:fs';
import { KALUMA_BUILD, measureAllocation } from './alloc-probe.mjs';

export const title = 'Allocation per operation (V8 heap, steady state, ES5 UMD bundle)';

const GOAL = 0.05; // B/op counted as "allocates nothing" (the budget test uses the same)

const ROWS = [
  { ours: 'ThreadSafeQueue putSync+getSync, Array(64), small-integer items', name: 'putSync+getSync, Array ring, small integers', unit: 'B/op', peers: ['Array push+shift (hand-written queue)'], zero: true },
  { ours: 'ThreadSafeQueue putSync+getSync, Int32Array(64)', name: 'putSync+getSync, Int32Array ring', unit: 'B/op', peers: ['Array push+shift (hand-written queue)'], zero: true },
  { ours: 'ThreadSafeQueue 32 putSync then 32 getSync, Array(64)', name: '32 putSync then 32 getSync (ring half full)', unit: 'B/op', peers: [], zero: true },
  { ours: 'ThreadSafeEvent set+clear, nobody waiting', name: 'ThreadSafeEvent set()+clear(), nobody waiting', unit: 'B/op', peers: ['hand-written event set+clear (resolver list), nobody waiting'], zero: true },
  { ours: 'ThreadSafeFlag set+clear, nobody waiting', name: 'ThreadSafeFlag set()+clear(), nobody waiting', unit: 'B/op', peers: ['hand-written event set+clear (resolver list), nobody waiting'], zero: true },
  { ours: 'ThreadSafeFlag set, then wait() takes it at once (not awaited)', name: 'ThreadSafeFlag set() then wait() returns at once', unit: 'B/op', peers: [], zero: true },
  { ours: 'InterruptSource → ThreadSafeQueue: 8 interrupts, flush(), 8 getSync (per edge)', name: 'Kaluma layer: interrupt → flush() → queue → getSync, per edge', unit: 'B/op', peers: [], zero: true, kaluma: true },
  { ours: 'InterruptSource → ThreadSafeEvent: 8 interrupts, flush() sets, clear() (per edge)', name: 'Kaluma layer: interrupt → flush() → event set(), per edge', unit: 'B/op', peers: [], zero: true, kaluma: true },
  { ours: 'InterruptSource interrupt function alone, ring full (overrun path)', name: 'Kaluma layer: the interrupt function on a full ring (overrun)', unit: 'B/op', peers: [], zero: true, kaluma: true },
  { ours: 'ThreadSafeQueue cycle: await get(), putSync wakes it', name: 'wake cycle: await q.get(), putSync() wakes it', unit: 'B/cycle', peers: ['array+resolver queue cycle: await get(), push wakes it', 'it-pushable cycle: await next(), push wakes it'] },
  { ours: 'ThreadSafeQueue cycle: next() (for await), putSync wakes it', name: 'wake cycle: q.next() (for await), putSync() wakes it', unit: 'B/cycle', peers: ['it-pushable cycle: await next(), push wakes it', 'array+resolver queue cycle: await get(), push wakes it'] },
  { ours: 'ThreadSafeEvent cycle: await wait(), set() wakes it, clear()', name: 'wake cycle: await evt.wait(), set() wakes it', unit: 'B/cycle', peers: ['hand-written event cycle (resolver list): await wait(), set() wakes it'] },
  { ours: 'ThreadSafeFlag cycle: await wait(), set() wakes it', name: 'wake cycle: await flag.wait(), set() wakes it', unit: 'B/cycle', peers: ['hand-written event cycle (resolver list): await wait(), set() wakes it'] },
  { ours: 'floor for cycles: await an already-resolved promise', name: 'for scale: one `await` of an already-resolved promise', unit: 'B/cycle', peers: [] },
  { ours: 'control: a loop that allocates one small object per op', name: 'control: a loop allocating one {i} per op (shows the probe sees allocation)', unit: 'B/op', peers: [] },
  { ours: 'control: a loop that allocates one object every 100 ops', name: 'control: one object every 100 ops', unit: 'B/op', peers: [] },
];

const SHORT = {
  'Array push+shift (hand-written queue)': 'Array push+shift',
  'hand-written event set+clear (resolver list), nobody waiting': 'hand-written resolver-list event',
  'array+resolver queue cycle: await get(), push wakes it': 'hand-written array+resolver queue',
  'it-pushable cycle: await next(), push wakes it': 'it-pushable 3',
  'hand-written event cycle (resolver list): await wait(), set() wakes it': 'hand-written resolver-list event',
};

export default async function run() {
  // The Kaluma layer's rows need its bundle (the board issue); without it they are left out, and
  // the table says so.
  const haveKaluma = existsSync(new URL('../' + KALUMA_BUILD, import.meta.url));
  const rowsToRun = ROWS.filter((r) => haveKaluma || !r.kaluma);
  const names = [...new Set(rowsToRun.flatMap((r) => [r.ours, ...r.peers]))];
  const results = await measureAllocation(names, { build: 'umd', timeoutMs: 50000 });
  const by = new Map(results.map((r) => [r.scenario, r]));
  // Correctness first: the probe checks each scenario's result; any wrong answer or an
  // invalid measurement (collections inside every window) fails the module.
  for (const n of names) {
    const r = by.get(n);
    if (!r) throw new Error(`no allocation result for "${n}"`);
    if (r.error) throw new Error(`${n}: ${r.error}`);
    if (!r.valid) throw new Error(`${n}: could not measure without a collection (${r.gcs} collections)`);
  }
  const rows = rowsToRun.map((row) => {
    const r = by.get(row.ours);
    let note = `${r.ops.toLocaleString('en-US')} ops per window`;
    if (row.zero) note = (r.bytesPerOp < GOAL ? 'goal met: allocates nothing. ' : `ALLOCATES (${r.bytes} B in ${r.ops} ops): goal is 0. `) + note;
    return {
      name: row.name,
      unit: row.unit,
      value: r.bytesPerOp,
      higherIsBetter: false,
      peers: row.peers.map((p) => ({ name: SHORT[p] || p, value: by.get(p).bytesPerOp })),
      note,
    };
  });
  if (!haveKaluma) {
    rows.push({ name: `Kaluma layer: not measured, ${KALUMA_BUILD} is not built`, unit: 'B/op', value: null, higherIsBetter: false, peers: [] });
  }
  return rows;
}
