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

const root = new URL('../../', import.meta.url);

/** Bytes of heap after parse allowed per bundle (about 3 % over what was measured). */
const BUDGETS = {
  'dist/threadsafe.js': 21450, // 20,808 B with select() (+2,976 B) and ThreadSafeMessage (+1,048 B); before both 16,784 B
  'dist/threadsafe.min.js': 17950, // 17,416 B with select() and ThreadSafeMessage (14,104 B before both): the same bundle minified, for pasting onto a board
  'dist/threadsafe-kaluma.js': 17350, // 16,816 B with EncoderSource (+3,896 B; 12,920 B before; board programs that do not import it do not pay it) (the 64-record CHANGE ring, the batch delivery, one delivery at a time)
  'dist/threadsafe-kaluma.min.js': 14400, // 13,968 B with EncoderSource (10,712 B before)
  'dist/board/button.js': 18750, // 18,184 B with message targets in the sources (17,824 B before) (minified by the board build)
  'dist/board/echo.js': 12300, // 11,952 B
  'dist/board/event.js': 16450, // 15,992 B
  'dist/board/encoder.js': 17750, // 17,224 B (EncoderSource + ThreadSafeMessage)
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
