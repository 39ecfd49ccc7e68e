// Allocation budget: the synchronous operations that interrupt-driven callbacks call in a
// loop (putSync, getSync, set, clear) must allocate nothing once the loop is hot.
//
// Measured by V8 in a child process (bench/alloc-probe.mjs explains how: a young generation too
// big to fill, no collection allowed inside the measured window, the least of five windows of
// 10^6 operations, minus what an empty loop costs). It counts bytes, not time, so a busy
// machine does not change the figure. The Kaluma layer's interrupt path is checked the same
// way (dist/threadsafe-kaluma.js, with either core build as the target). The two controls show
// the check can fail: a loop that allocates one small object every 100 operations is over.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { KALUMA_BUILD, measureAllocation } from '../../bench/alloc-probe.mjs';

/** Bytes per operation allowed: less than one 16-byte object per 320 operations. */
const BUDGET = 0.05;

const HOT_PATHS = [
  'ThreadSafeQueue putSync+getSync, Array(64), small-integer items',
  'ThreadSafeQueue putSync+getSync, Array(64), the same object',
  'ThreadSafeQueue putSync+getSync, Int32Array(64)',
  'ThreadSafeQueue 32 putSync then 32 getSync, Array(64)',
  'ThreadSafeQueue 32 putSync then getManySync into an Array(32), Array(64)',
  'ThreadSafeQueue ready() with an item queued (not awaited), then getSync',
  'ThreadSafeEvent set+clear, nobody waiting',
  'ThreadSafeFlag set+clear, nobody waiting',
  'ThreadSafeFlag set, then wait() takes it at once (not awaited)',
];
// The Kaluma layer's interrupt path: the function attachInterrupt calls, and the main-loop
// flush() that hands the records to a queue or event (stubbed attachInterrupt, called in a loop).
const KALUMA_PATHS = [
  'InterruptSource → ThreadSafeQueue: 8 interrupts, flush(), 8 getSync (per edge)',
  'InterruptSource → ThreadSafeEvent: 8 interrupts, flush() sets, clear() (per edge)',
  'InterruptSource interrupt function alone, ring full (overrun path)',
];
const haveKaluma = existsSync(new URL('../../' + KALUMA_BUILD, import.meta.url));
if (!haveKaluma) console.log(`allocation budget: ${KALUMA_BUILD} is not built, so its interrupt paths are not checked`);
const CONTROLS = [
  'control: a loop that allocates one small object per op',
  'control: a loop that allocates one object every 100 ops',
];

function describe(r) {
  if (r.error) return `${r.scenario}: ${r.error}`;
  if (!r.valid) return `${r.scenario}: the young generation filled up (${r.gcs} collections) even at ${r.ops} ops, so it allocates a lot`;
  return `${r.scenario}: ${r.bytesPerOp.toFixed(4)} B/op (${r.bytes} B over ${r.ops} ops; windows ${r.windows.join(', ')} B, floor ${r.floorBytes} B)`;
}

for (const build of ['umd', 'esm']) {
  const paths = [...HOT_PATHS, ...(haveKaluma ? KALUMA_PATHS : [])];
  const results = await measureAllocation([...paths, ...CONTROLS], { build });
  const byName = new Map(results.map((r) => [r.scenario, r]));
  const test = suite(`allocation budget: dist ${build === 'umd' ? 'threadsafe.js (ES5 UMD)' : 'threadsafe.mjs (ESM)'}`);

  for (const name of paths) {
    test(`10^6 steady-state operations allocate nothing: ${name}`, () => {
      const r = byName.get(name);
      assert.ok(r, `no result for ${name}`);
      assert.ok(!r.error && r.valid, describe(r));
      assert.ok(r.bytesPerOp < BUDGET, `over the budget of ${BUDGET} B/op: ${describe(r)}`);
    });
  }

  test('the check can fail: a loop allocating one small object per op measures at least 16 B/op', () => {
    const r = byName.get(CONTROLS[0]);
    assert.ok(!r.error && r.valid, describe(r));
    assert.ok(r.bytesPerOp >= 16, describe(r));
  });

  test('the check can fail: one object every 100 ops is over the budget', () => {
    const r = byName.get(CONTROLS[1]);
    assert.ok(!r.error && r.valid, describe(r));
    assert.ok(r.bytesPerOp >= BUDGET, `the control should be over ${BUDGET} B/op: ${describe(r)}`);
  });

  test.run();
}
