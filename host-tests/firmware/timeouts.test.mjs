// A wait's `timeout` on the real Kaluma 1.2.1 firmware (emulated) when the wait begins after a
// long synchronous stretch: the top level (which has just parsed the library, ~1.3 s, then runs
// 600 ms more) and a main-loop callback that runs 600 ms. Kaluma counts a timer's delay from the
// start of the loop iteration that set it, so a plain setTimeout(fn, 200) set there fires early
// by the stretch; the library's timeouts (src/waiters.ts: dueAt(), early()) wait out the rest.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { account, firmwareHere, program, runOnFirmware } from './helpers.mjs';

if (firmwareHere('host-tests/firmware/timeouts.test.mjs')) {
  const test = suite('firmware: wait timeouts after a long synchronous stretch');
  const run = runOnFirmware(program('timeouts.js', '', { min: true }), { ms: 2600, startOn: 'READY' });
  const WAITS = ['event', 'flag', 'message', 'queue', 'select'];

  for (const where of ['top', 'loop']) {
    test(`a wait with timeout 200 begun ${where === 'top' ? 'by the top level' : 'in a main-loop callback'} after a 600 ms stretch rejects with TimeoutError after 200 ms, not early as a plain setTimeout(fn, 200) set there fires`, async () => {
      const res = await run;
      assert.is(res.crash, null, account(res));
      const got = {};
      for (const l of res.lines) {
        const [w, what, ...rest] = l.text.split(' ');
        if (w === where) got[what] = rest;
      }
      console.log(`    ${where}: ${Object.entries(got).map(([k, v]) => `${k} ${v.join(' ')} ms`).join(', ')}`);
      // the platform's behaviour, so that the test shows what it guards against
      assert.ok(got.setTimeout, account(res));
      assert.ok(Number(got.setTimeout[0]) < 150, `a plain setTimeout(fn, 200) set there fires early: ${got.setTimeout[0]} ms\n${account(res)}`);
      for (const w of WAITS) {
        assert.ok(got[w], `${w}: no rejection printed\n${account(res)}`);
        assert.is(got[w][0], 'TimeoutError', w);
        const ms = Number(got[w][1]);
        assert.ok(ms >= 200 && ms < 300, `${w}: rejected after ${ms} ms (200 wanted; each rejection before it prints a line, ~7 ms)`);
      }
    });
  }

  test.run();
}
