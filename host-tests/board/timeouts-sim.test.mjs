// The firmware's timeouts program (host-tests/firmware/programs/timeouts.js) on the simulated
// Pico: the simulation models Kaluma's timer base (a timer is due its delay after the clock of
// the loop iteration that set it), so a plain setTimeout(fn, 200) set after a 600 ms stretch
// comes early, and the library's timeouts (src/waiters.ts: dueAt(), early()) still wait 200 ms from the call.
// host-tests/firmware/timeouts.test.mjs runs the same program on the firmware.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const CORE = readFileSync(new URL('../../dist/threadsafe.min.js', import.meta.url), 'utf8');
const PROGRAM = readFileSync(new URL('../firmware/programs/timeouts.js', import.meta.url), 'utf8');
const test = suite('simulation: wait timeouts after a long synchronous stretch');

const sim = new KalumaSim();
sim.load(CORE, 'threadsafe.min.js');
sim.load(PROGRAM, 'timeouts.js');
sim.run(4000);

for (const where of ['top', 'loop']) {
  test(`${where === 'top' ? 'the top level' : 'a main-loop callback'} after 600 ms: a plain setTimeout(fn, 200) comes early; event, flag, message, queue and select time out after 200 ms`, () => {
    assert.equal(sim.errors, []);
    const got = {};
    for (const { line } of sim.output) {
      const [w, what, ...rest] = line.split(' ');
      if (w === where) got[what] = rest;
    }
    assert.ok(got.setTimeout, JSON.stringify(sim.output));
    assert.ok(Number(got.setTimeout[0]) < 150, `setTimeout(fn, 200) fired after ${got.setTimeout[0]} ms`);
    for (const w of ['event', 'flag', 'message', 'queue', 'select']) {
      assert.ok(got[w], `${w}: ${JSON.stringify(sim.output)}`);
      assert.is(got[w][0], 'TimeoutError', w);
      const ms = Number(got[w][1]);
      assert.ok(ms >= 200 && ms < 300, `${w}: rejected after ${ms} ms (200 wanted)`);
    }
  });
}

test.run();
