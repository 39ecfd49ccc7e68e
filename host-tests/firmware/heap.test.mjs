// Heap budget per bundle, measured on the real Kaluma 1.2.1 firmware (JerryScript in the rp2040js
// emulator, ../shared/kaluma-emu): the heap a bundle's parsed code and literals take before its
// first statement runs, over an empty program (scripts/firmware-heap.mjs explains the probe).
// Parsed code stays on the 180 KB heap for as long as the program runs, so this is the
// library's standing cost on the board. About 10 s of wall time (two emulators at once).
//
// Without the firmware (a user's clone has no ../shared) this suite prints why and checks
// nothing here: the byte budgets of size-limit (package.json, run by npm test) stand in for it.
// They were set from these figures: on the firmware a bundle's heap after parse was 0.55-0.65 B
// per raw byte of the ES5 bundle, so a raw budget about 3 % over today's size keeps the heap
// within about 3 % of the budgets below.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { findFirmware, whyMissing } from '../../scripts/firmware.mjs';
import { loadCost } from '../../scripts/firmware-heap.mjs';
import { measurePrograms, PROGRAMS } from './heap-programs.mjs';

const root = new URL('../../', import.meta.url);

/** Bytes of heap after parse allowed per bundle (0.4-3 % over what was measured: growth shows here). */
const BUDGETS = {
  'dist/threadsafe.js': 26600, // about 26,464 B with the hand-over apart (_give, +208 B); about 26,256 B with the timeouts that wait out Kaluma's early timers (+384 B measured: 25,872 -> 26,256 B); about 25,820 B with the queue's putSync/getSync common case apart from _put/_get (+312 B measured on 3963ae4: 25,296 -> 25,608 B); 25,512 B with the wait options apart, select() made on first use and the consumer yield's stretch rule (main at 3963ae4: 25,296 B); 24,704 B with the overflow policies (+1,080 B); 23,624 B before them: with select() (+2,976 B), ThreadSafeMessage (+1,048 B), the slot waiters of the flag and queue, the consumer's yield (src/turn.ts), TypedArray block moves, the errors built on first use (16,784 B before all these)
  'dist/threadsafe.min.js': 21700, // about 21,592 B with no function substituted as a closure per call (+56 B); about 21,536 B with putSync()'s hand-over apart in _give() (+176 B: 21,360 -> 21,536 B); about 21,360 B with the timeouts that wait out Kaluma's early timers (+272 B: 21,088 -> 21,360 B); about 21,040 B with putSync/getSync's common case apart (+248 B measured on 3963ae4: 20,824 -> 21,072 B); 20,792 B (main at 3963ae4, with the consumer yield's stretch rule: 20,824 B, over 20,750); 20,152 B with the overflow policies (19,360 B before them; 14,104 B before select and the message): the same bundle minified, for pasting onto a board
  'dist/threadsafe-kaluma.js': 17350, // 16,816 B with EncoderSource (+3,896 B; 12,920 B before; board programs that do not import it do not pay it) (the 64-record CHANGE ring, the batch delivery, one delivery at a time)
  'dist/threadsafe-kaluma.min.js': 14400, // 13,968 B with EncoderSource (10,712 B before)
  'dist/board/button.js': 20700, // 20,512 B with no function substituted as a closure per call (terser reduce_funcs: false, +360 B); 20,152 B with the hand-over apart and the engine's variables reordered (+192 B); 19,488 B with the wait options apart (enableWaitOptions); 20,920 B with the overflow policies (20,048 B before them; 18,184 B before that) (minified by the board build)
  'dist/board/echo.js': 13900, // 13,768 B with the hand-over apart (+160 B); 13,608 B with putSync/getSync's common case apart and the yield's stretch rule (measured on 3963ae4); 13,136 B with the wait options apart; 14,600 B with the overflow policies (13,800 B; 11,952 B)
  'dist/board/event.js': 10000, // 9,912 B with no function substituted as a closure per call (+248 B); 9,664 B with the timeouts that wait out Kaluma's early timers (+88 B: 9,576 -> 9,664 B); 9,536 B (its AbortController enables the wait options); 9,336 B (15,992 B before tree-shaking: no queue, no flag now)
  'dist/board/encoder.js': 8900, // 8,688 B with no function substituted as a closure per call (+344 B); 8,424 B with the wait options apart; 10,344 B (17,224 B before tree-shaking)
};

const test = suite('heap after parse on the Kaluma firmware');

if (!findFirmware()) {
  console.log(`  heap budget on the firmware: skipped: ${whyMissing()}; size-limit's byte budgets apply instead`);
} else {
  const files = Object.keys(BUDGETS).filter((f) => existsSync(new URL(f, root)));
  const costs = new Map(
    await Promise.all(files.map(async (f) => [f, await loadCost(readFileSync(new URL(f, root), 'utf8'))])),
  );
  for (const f of files) {
    test(`${f} takes at most ${BUDGETS[f]} B of heap after parse`, () => {
      const c = costs.get(f);
      console.log(`    ${f}: heap after parse ${c.heap} B (budget ${BUDGETS[f]} B), after its top level ${c.heapAfterRun} B, load +${(c.loadUs / 1000).toFixed(1)} ms`);
      assert.ok(c.heap > 0, `a bundle takes some heap: ${c.heap}`);
      assert.ok(c.heap <= BUDGETS[f], `${f}: ${c.heap} B of heap after parse, over the budget of ${BUDGETS[f]} B`);
    });
  }
}

test.run();

// A program pays only for what it imports: board programs that use one primitive (or all three
// and InterruptSource), built as a user builds their own (scripts/program.mjs: tree-shaken and
// minified), and the heap they hold once their top level has run, over an empty program.
const programs = suite('heap after load of a board program that imports one primitive, on the Kaluma firmware');

if (!findFirmware()) {
  console.log(`  heap after load of one-primitive programs: skipped: ${whyMissing()}`);
} else {
  const measured = await measurePrograms();
  for (const [name, p] of Object.entries(PROGRAMS)) {
    programs(`a program that uses ${p.what} holds at most ${p.budget} B of heap after load (goal ${p.goal} B)`, () => {
      const c = measured[name];
      console.log(`    ${name}: heap after load ${c.heapAfterRun} B (after parse ${c.heap} B; budget ${p.budget} B, goal ${p.goal} B), start-up +${(c.loadUs / 1000).toFixed(1)} ms, ${c.bytes} B of script`);
      assert.ok(c.heapAfterRun > 0, `a program takes some heap: ${c.heapAfterRun}`);
      assert.ok(c.heapAfterRun <= p.budget, `${name}: ${c.heapAfterRun} B of heap after load, over the budget of ${p.budget} B`);
    });
  }
  programs('a program that imports only ThreadSafeFlag carries none of the queue, the event, the AbortController or the queue errors', () => {
    const c = measured.flag;
    for (const absent of ['ThreadSafeQueue', 'ThreadSafeEvent.wait', 'AbortController', 'QueueFull', 'QueueEmpty', 'QueueClosed']) {
      assert.not.ok(c.code.includes(absent), `the flag-only program contains ${absent}`);
    }
  });
}

programs.run();
