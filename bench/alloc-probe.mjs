// Bytes allocated per operation, measured by V8 itself, in a child Node process.
//
// How it is measured: the child runs with --expose-gc and a young generation far bigger than
// the loop can fill (--min/--max-semi-space-size), so that no collection runs while the loop
// runs. For each scenario it warms the loop up (so it is optimized, as a hot path is), calls
// gc() twice, reads v8.getHeapStatistics().used_heap_size, runs N operations, reads it again,
// and reports (after - before) / N. A v8.GCProfiler records every collection during the
// measured loop: if one ran, freed memory would hide allocation, so the probe halves N and
// measures again (and reports the result as invalid if collections keep happening). The only
// fixed cost inside the window is the statistics object itself (a few hundred bytes, i.e.
// ~0.0003 B/op at N = 10^6), so a loop that allocates even one small object every 100
// operations shows up as >= 0.1 B/op.
//
// Use from another module:   await measureAllocation(['queue putSync+getSync (Array)'], { build })
// Run by hand:               node bench/alloc-probe.mjs --list
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const HERE = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WINDOWS = 5;
export const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128'];

/** The bundles a probe can load: the ES5 UMD bundle boards run, and the ESM build. */
export const BUILDS = { umd: 'dist/threadsafe.js', esm: 'dist/threadsafe.mjs' };
/** The Kaluma layer (board issue): its scenarios need it built. */
export const KALUMA_BUILD = 'dist/threadsafe-kaluma.js';

// ---------------------------------------------------------------------------------------------
// Scenarios. `sync: true`: setup returns step(i), one operation, called in a plain loop.
// `sync: false`: setup returns async cycle(i), one awaited wake-up cycle. `ops` is N.
// Each scenario also checks it did the right thing (check(), after the loop).

function queueScenario(makeBuf) {
  return ({ ThreadSafeQueue }) => {
    const q = new ThreadSafeQueue(makeBuf());
    let bad = 0;
    return {
      step(i) {
        q.putSync(i & 0xff);
        if (q.getSync() !== (i & 0xff)) bad++; // small integers: nothing here boxes a number
      },
      check: () => (bad === 0 && q.empty() ? null : `${bad} items wrong, or the queue is not empty`),
      reset() { bad = 0; },
    };
  };
}

const ITEM = { id: 1 }; // one object put again and again: storing a reference allocates nothing

export const SCENARIOS = {
  // ---- ours, synchronous side (the budget) ----
  'ThreadSafeQueue putSync+getSync, Array(64), small-integer items': {
    sync: true, ops: 1e6, ours: true, setup: queueScenario(() => new Array(64)),
  },
  'ThreadSafeQueue putSync+getSync, Array(64), the same object': {
    sync: true, ops: 1e6, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(64));
      let seen = 0;
      return {
        step() { q.putSync(ITEM); if (q.getSync() === ITEM) seen++; },
        check: (n) => (seen === n ? null : `got the item back ${seen} times of ${n}`),
        reset() { seen = 0; },
      };
    },
  },
  'ThreadSafeQueue putSync+getSync, Int32Array(64)': {
    sync: true, ops: 1e6, ours: true, setup: queueScenario(() => new Int32Array(64)),
  },
  'ThreadSafeQueue 32 putSync then 32 getSync, Array(64)': {
    sync: true, ops: 1e6 / 32, opsPerStep: 64, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(64));
      let bad = 0;
      return {
        step() {
          for (let k = 0; k < 32; k++) q.putSync(k);
          for (let k = 0; k < 32; k++) if (q.getSync() !== k) bad++;
        },
        check: () => (bad === 0 && q.empty() ? null : `${bad} items out of order`),
      };
    },
  },
  'ThreadSafeQueue 32 putSync then getManySync into an Array(32), Array(64)': {
    sync: true, ops: 1e6 / 32, opsPerStep: 64, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(64));
      const into = new Array(32);
      let bad = 0;
      return {
        step() {
          for (let k = 0; k < 32; k++) q.putSync(k);
          if (q.getManySync(into) !== 32 || into[31] !== 31) bad++;
        },
        check: () => (bad === 0 && q.empty() ? null : `${bad} batches wrong`),
      };
    },
  },
  'ThreadSafeQueue ready() with an item queued (not awaited), then getSync': {
    sync: true, ops: 1e6, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(4));
      let bad = 0;
      return {
        step() {
          q.putSync(1);
          q.ready();
          if (q.getSync() !== 1) bad++;
        },
        check: () => (bad === 0 && q.empty() ? null : `${bad} wrong`),
      };
    },
  },
  'ThreadSafeEvent set+clear, nobody waiting': {
    sync: true, ops: 1e6, ours: true,
    setup: ({ ThreadSafeEvent }) => {
      const e = new ThreadSafeEvent();
      let on = 0;
      return {
        step() { e.set(); if (e.isSet()) on++; e.clear(); },
        check: (n) => (on === n && !e.isSet() ? null : 'set/clear wrong'),
        reset() { on = 0; },
      };
    },
  },
  'ThreadSafeFlag set, then wait() takes it at once (not awaited)': {
    sync: true, ops: 1e6, ours: true,
    setup: ({ ThreadSafeFlag }) => {
      const f = new ThreadSafeFlag();
      let p = null;
      return {
        step() { f.set(); p = f.wait(); },
        check: () => (!f.isSet() && p instanceof Promise ? null : 'flag not consumed'),
      };
    },
  },
  'ThreadSafeFlag set+clear, nobody waiting': {
    sync: true, ops: 1e6, ours: true,
    setup: ({ ThreadSafeFlag }) => {
      const f = new ThreadSafeFlag();
      let on = 0;
      return {
        step() { f.set(); if (f.isSet()) on++; f.clear(); },
        check: (n) => (on === n && !f.isSet() ? null : 'set/clear wrong'),
        reset() { on = 0; },
      };
    },
  },

  // ---- the Kaluma layer (dist/threadsafe-kaluma.js): the interrupt function and the main-loop
  // collection that feeds the primitives. attachInterrupt/detachInterrupt are stubs that keep
  // the function the library hands over, and the loop calls it as the firmware would. ----
  'InterruptSource → ThreadSafeQueue: 8 interrupts, flush(), 8 getSync (per edge)': {
    sync: true, ops: 1e6 / 8, opsPerStep: 8, ours: true, needs: 'kaluma',
    setup: ({ ThreadSafeQueue }, { kaluma, pins }) => {
      const q = new ThreadSafeQueue(new Array(32));
      const src = new kaluma.InterruptSource(2, q);
      const isr = pins.get(2);
      let bad = 0;
      return {
        step() {
          for (let k = 0; k < 8; k++) isr(2, k & 1 ? 8 : 4);
          if (src.flush() !== 8) bad++;
          for (let k = 0; k < 8; k++) if (q.getSync() !== (k & 1 ? 8 : 4)) bad++;
        },
        check: () => (bad === 0 && src.overruns() === 0 && q.empty() ? null : `${bad} wrong, ${src.overruns()} overruns`),
        reset() { bad = 0; },
      };
    },
  },
  'InterruptSource → ThreadSafeEvent: 8 interrupts, flush() sets, clear() (per edge)': {
    sync: true, ops: 1e6 / 8, opsPerStep: 8, ours: true, needs: 'kaluma',
    setup: ({ ThreadSafeEvent }, { kaluma, pins }) => {
      const e = new ThreadSafeEvent();
      const src = new kaluma.InterruptSource(3, e);
      const isr = pins.get(3);
      let bad = 0;
      return {
        step() {
          for (let k = 0; k < 8; k++) isr(3, 8);
          if (src.flush() !== 8 || !e.isSet()) bad++;
          e.clear();
        },
        check: () => (bad === 0 && src.overruns() === 0 ? null : `${bad} wrong, ${src.overruns()} overruns`),
        reset() { bad = 0; },
      };
    },
  },
  'InterruptSource interrupt function alone, ring full (overrun path)': {
    sync: true, ops: 1e6, ours: true, needs: 'kaluma',
    setup: ({ ThreadSafeFlag }, { kaluma, pins }) => {
      const f = new ThreadSafeFlag();
      const src = new kaluma.InterruptSource(4, f);
      const isr = pins.get(4);
      for (let k = 0; k < 64; k++) isr(4, 8); // fill the 64-slot ring: every later edge overruns
      return {
        step() { isr(4, 8); },
        check: () => (src.pending() === 64 && src.overruns() > 0 ? null : `pending ${src.pending()}, overruns ${src.overruns()}`),
      };
    },
  },

  // ---- peers and controls, synchronous ----
  'floor: an empty loop (what the measurement itself costs)': {
    sync: true, ops: 1e6, control: true,
    setup: () => ({ step() {}, check: () => null }),
  },
  'Array push+shift (hand-written queue)': {
    sync: true, ops: 1e6,
    setup: () => {
      const a = [];
      let bad = 0;
      for (let k = -8; k < 0; k++) a.push(k & 0xff);
      return {
        step(i) { a.push(i & 0xff); if (a.shift() !== ((i - 8) & 0xff)) bad++; },
        check: () => (bad === 0 && a.length === 8 ? null : `${bad} wrong`),
        reset() { bad = 0; a.length = 0; for (let k = -8; k < 0; k++) a.push(k & 0xff); }, // the 8 items the next window expects first
      };
    },
  },
  'hand-written event set+clear (resolver list), nobody waiting': {
    sync: true, ops: 1e6,
    setup: () => {
      const ev = { state: false, list: [] };
      const set = () => { ev.state = true; for (let k = 0; k < ev.list.length; k++) ev.list[k](); ev.list.length = 0; };
      let on = 0;
      return { step() { set(); if (ev.state) on++; ev.state = false; }, check: (n) => (on === n ? null : 'wrong'), reset() { on = 0; } };
    },
  },
  'control: a loop that allocates one small object per op': {
    sync: true, ops: 1e6, control: true,
    setup: () => {
      const sink = new Array(1024);
      return { step(i) { sink[i & 1023] = { i }; }, check: () => (sink[0] !== undefined ? null : 'sink empty') };
    },
  },
  'control: a loop that allocates one object every 100 ops': {
    sync: true, ops: 1e6, control: true,
    setup: () => {
      const sink = new Array(1024);
      let k = 0;
      return { step(i) { if (++k === 100) { k = 0; sink[i & 1023] = { i }; } }, check: () => null };
    },
  },

  // ---- wake-up cycles (a task waits, something wakes it): a promise per wait is unavoidable ----
  // One async function runs all N cycles, so the figure is the cycle's own cost (plus the
  // `await`, the same for every candidate).
  'ThreadSafeQueue cycle: await get(), putSync wakes it': {
    sync: false, ops: 1e5, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(16));
      let bad = 0;
      return {
        async loop(n) { for (let i = 0; i < n; i++) { const p = q.get(); q.putSync(i & 0xff); if ((await p) !== (i & 0xff)) bad++; } },
        check: () => (bad === 0 && q.empty() ? null : `${bad} wrong`),
      };
    },
  },
  'ThreadSafeQueue cycle: next() (for await), putSync wakes it': {
    sync: false, ops: 1e5, ours: true,
    setup: ({ ThreadSafeQueue }) => {
      const q = new ThreadSafeQueue(new Array(16));
      let bad = 0;
      return {
        async loop(n) { for (let i = 0; i < n; i++) { const p = q.next(); q.putSync(i & 0xff); if ((await p).value !== (i & 0xff)) bad++; } },
        check: () => (bad === 0 && q.empty() ? null : `${bad} wrong`),
      };
    },
  },
  'array+resolver queue cycle: await get(), push wakes it': {
    sync: false, ops: 1e5,
    setup: () => {
      const items = [];
      let waiter = null;
      const push = (x) => { if (waiter !== null) { const w = waiter; waiter = null; w(x); } else items.push(x); };
      const get = () => (items.length > 0 ? Promise.resolve(items.shift()) : new Promise((r) => { waiter = r; }));
      let bad = 0;
      return {
        async loop(n) { for (let i = 0; i < n; i++) { const p = get(); push(i & 0xff); if ((await p) !== (i & 0xff)) bad++; } },
        check: () => (bad === 0 && items.length === 0 ? null : `${bad} wrong`),
      };
    },
  },
  'it-pushable cycle: await next(), push wakes it': {
    sync: false, ops: 1e5, needs: 'it-pushable',
    setup: (lib, { pushable }) => {
      const src = pushable({ objectMode: true });
      const it = src[Symbol.asyncIterator]();
      let bad = 0;
      return {
        async loop(n) { for (let i = 0; i < n; i++) { const p = it.next(); src.push(i & 0xff); if ((await p).value !== (i & 0xff)) bad++; } },
        check: () => (bad ? `${bad} wrong` : null),
      };
    },
  },
  'ThreadSafeEvent cycle: await wait(), set() wakes it, clear()': {
    sync: false, ops: 1e5, ours: true,
    setup: ({ ThreadSafeEvent }) => {
      const e = new ThreadSafeEvent();
      return { async loop(n) { for (let i = 0; i < n; i++) { const p = e.wait(); e.set(); await p; e.clear(); } }, check: () => (e.isSet() ? 'left set' : null) };
    },
  },
  'ThreadSafeFlag cycle: await wait(), set() wakes it': {
    sync: false, ops: 1e5, ours: true,
    setup: ({ ThreadSafeFlag }) => {
      const f = new ThreadSafeFlag();
      return { async loop(n) { for (let i = 0; i < n; i++) { const p = f.wait(); f.set(); await p; } }, check: () => (f.isSet() ? 'flag left set' : null) };
    },
  },
  'floor for cycles: await an already-resolved promise': {
    sync: false, ops: 1e5, control: true,
    setup: () => {
      const done = Promise.resolve(7);
      let bad = 0;
      return { async loop(n) { for (let i = 0; i < n; i++) if ((await done) !== 7) bad++; }, check: () => (bad ? 'wrong' : null) };
    },
  },
  'hand-written event cycle (resolver list): await wait(), set() wakes it': {
    sync: false, ops: 1e5,
    setup: () => {
      let state = false;
      const list = [];
      const wait = () => (state ? Promise.resolve() : new Promise((r) => list.push(r)));
      const set = () => { state = true; for (let k = 0; k < list.length; k++) list[k](); list.length = 0; };
      return { async loop(n) { for (let i = 0; i < n; i++) { const p = wait(); set(); await p; state = false; } }, check: () => null };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Parent side.

/**
 * Measures the named scenarios in one child process (each with its own warm-up and gc()).
 * Resolves with [{ scenario, ops, bytes, bytesPerOp, gcs, valid, error }].
 */
export function measureAllocation(names, { build = 'umd', timeoutMs = 60000 } = {}) {
  for (const n of names) if (!SCENARIOS[n]) throw new Error(`alloc-probe: no scenario named "${n}"`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...NODE_FLAGS, HERE, '--build', build, ...names],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`alloc-probe child failed: ${err.message}\n${stderr}`));
        try {
          resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)));
        } catch (e) {
          reject(new Error(`alloc-probe: bad output: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Child side.

// `build` is 'umd', 'esm', or the path of another copy of the bundle (to try a change).
async function loadLib(build) {
  const file = BUILDS[build] ? ROOT + BUILDS[build] : resolvePath(build);
  if (file.endsWith('.js') || file.endsWith('.cjs')) return createRequire(import.meta.url)(file);
  return import(pathToFileURL(file).href);
}

// Bytes used in the spaces where objects live (young generation, old generation, large
// objects). Left out: code space, which grows when V8 installs optimized machine code; that is
// the engine compiling, not the loop allocating.
const OBJECT_SPACES = new Set(['new_space', 'old_space', 'lo_space', 'new_lo_space']);
function objectBytes() {
  let used = 0;
  for (const s of v8.getHeapSpaceStatistics()) if (OBJECT_SPACES.has(s.space_name)) used += s.space_used_size;
  return used;
}

// A fresh loop function per scenario, so that one scenario's type feedback does not make the
// next one's loop polymorphic (and re-optimized inside the measured window).
function makeSyncRunner() {
  return new Function('step', 'n', 'for (let i = 0; i < n; i++) step(i);');
}

// What one measurement window costs by itself (the statistics arrays read at each end, the
// await), found with the empty-loop scenario first in each process and subtracted after.
const FLOOR = 'floor: an empty loop (what the measurement itself costs)';
let floorBytes = 0;

async function measureOne(name, lib, extra) {
  const sc = SCENARIOS[name];
  const { step, loop, check, reset } = sc.setup(lib, extra);
  const runner = sc.sync ? makeSyncRunner() : null;
  const run = sc.sync ? (n) => runner(step, n) : loop;
  const opsPerStep = sc.opsPerStep || 1;
  // Warm-up: enough calls for V8 to optimize the loop, as a hot path on a long-running device.
  await run(Math.min(sc.ops, 200000));
  let problem = check(Math.min(sc.ops, 200000));
  if (problem) return { scenario: name, error: `wrong result: ${problem}` };
  let n = sc.ops;
  for (let attempt = 0; attempt < 4; attempt++) {
    // Three windows of N operations; the smallest is the steady state (the first window can
    // still pay for V8 finishing an optimized version of the loop in code space).
    let best = null;
    let gcs = 0;
    const windows = [];
    for (let w = 0; w < WINDOWS; w++) {
      if (reset) reset();
      globalThis.gc();
      globalThis.gc();
      const profiler = new v8.GCProfiler();
      profiler.start();
      const before = objectBytes();
      await run(n);
      const after = objectBytes();
      const collections = profiler.stop().statistics.length;
      problem = check(n);
      if (problem) return { scenario: name, error: `wrong result: ${problem}` };
      gcs += collections;
      windows.push(collections === 0 ? after - before : null);
      if (collections === 0 && (best === null || after - before < best)) best = after - before;
    }
    const ops = n * opsPerStep;
    if (best !== null) {
      const bytes = Math.max(0, best - floorBytes);
      return { scenario: name, ops, bytes, bytesPerOp: bytes / ops, floorBytes, gcs, valid: true, windows };
    }
    if (attempt === 3) return { scenario: name, ops, bytes: null, bytesPerOp: null, gcs, valid: false };
    n = Math.max(1, Math.floor(n / 2)); // it allocates so much that the young generation filled up
  }
  return null;
}

async function child(argv) {
  let build = 'umd';
  const names = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--build') build = argv[++i];
    else if (argv[i] === '--list') { console.log(Object.keys(SCENARIOS).join('\n')); return; }
    else names.push(argv[i]);
  }
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc: ' + NODE_FLAGS.join(' '));
  const lib = await loadLib(build);
  const extra = {};
  const floor = await measureOne(FLOOR, lib, extra);
  floorBytes = floor.windows ? Math.min(...floor.windows.filter((x) => x !== null)) : 0;
  const list = names.length ? names : Object.keys(SCENARIOS);
  if (list.some((n) => SCENARIOS[n].needs === 'it-pushable')) Object.assign(extra, await import('it-pushable'));
  if (list.some((n) => SCENARIOS[n].needs === 'kaluma')) {
    // Kaluma's globals as the layer uses them; the interrupt functions are kept per pin.
    extra.pins = new Map();
    globalThis.attachInterrupt = (pin, fn) => { extra.pins.set(pin, fn); };
    globalThis.detachInterrupt = (pin) => { extra.pins.delete(pin); };
    extra.kaluma = createRequire(import.meta.url)(ROOT + KALUMA_BUILD);
  }
  for (const name of list) {
    let result;
    try {
      result = await measureOne(name, lib, extra);
    } catch (e) {
      result = { scenario: name, error: String((e && e.stack) || e) };
    }
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

if (process.argv[1] === HERE) {
  child(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
