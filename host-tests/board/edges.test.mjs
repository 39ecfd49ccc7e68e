// Edge cases of the board sources, on the simulated Pico
// with both shipped bundles: each test is named as its situation and failed before its fix.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const CORE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');
const KALUMA = readFileSync(new URL('../../dist/threadsafe-kaluma.js', import.meta.url), 'utf8');

/** A simulated Pico with both bundles loaded (`T` = threadsafe, `K` = threadsafeKaluma), then `program`. */
function board(program) {
  const sim = new KalumaSim();
  sim.load(CORE).load(KALUMA).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
  assert.equal(sim.errors, []);
  return sim;
}

/** Runs `code` in the board program; 'no error' or 'Name: message' of what it threw. */
const err = (sim, code) => sim.evaluate(`(function () { try { ${code}; return 'no error'; } catch (e) { return e.name + ': ' + e.message; } })()`);

const test = suite('board source edge cases');

test('a period, debounce or pollMs above 2147483647 ms is a RangeError naming it, and nothing starts', () => {
  const sim = board('var evt = new T.ThreadSafeEvent();');
  assert.match(err(sim, 'new K.TimerSource(evt, Math.pow(2, 31))'), /^RangeError: TimerSource: periodMs must be .*2147483647.*got 2147483648$/);
  assert.match(err(sim, 'new K.WatchSource(5, evt, { debounce: Math.pow(2, 31) })'), /^RangeError: WatchSource: options.debounce must be .*2147483647/);
  assert.match(err(sim, 'new K.InterruptSource(5, evt, { pollMs: Math.pow(2, 31) })'), /^RangeError: InterruptSource: options.pollMs must be .*2147483647/);
  assert.is(sim.timers.length, 0, 'no interval started');
  assert.is(sim.watches.length, 0, 'no watch started');
  assert.is(sim.irq.has(5), false, 'no interrupt attached');
  assert.is(sim.evaluate('evt.onwait'), null, 'the event is not hooked');
  // the largest delay timers honour is still accepted
  assert.is(err(sim, 'var t = new K.TimerSource(evt, 2147483647); t.stop()'), 'no error');
});

test('an InterruptSource whose attachInterrupt throws leaves nothing behind: no hook, no timer, the pin free', () => {
  const sim = board(`
    var evt = new T.ThreadSafeEvent();
    var q = new T.ThreadSafeQueue(new Array(4));
    var realAttach = attachInterrupt, refuse = true;
    // a firmware that refuses pin 7 (Kaluma 1.2.1 checks nothing: see the pin-range test below)
    attachInterrupt = function (pin, fn, events) {
      if (pin === 7 && refuse) throw new RangeError('pin 7 is not a GPIO');
      return realAttach(pin, fn, events);
    };
  `);
  assert.match(err(sim, 'new K.InterruptSource(7, evt)'), /^RangeError: pin 7 is not a GPIO$/);
  assert.match(err(sim, 'new K.InterruptSource(7, q, { idle: false })'), /^RangeError: pin 7 is not a GPIO$/);
  assert.is(sim.evaluate('evt.onwait'), null, 'the target is not hooked');
  assert.is(sim.evaluate('q.onwait'), null);
  assert.is(sim.irq.has(7), false);
  sim.evaluate('var woke = false; evt.wait().then(function () { woke = true; })');
  sim.run(5);
  assert.is(sim.timers.length, 0, 'a wait starts no collecting timer for a source that never attached');
  assert.is(sim.evaluate('woke'), false);
  // the target and the pin are free for a source that works
  assert.is(err(sim, 'good = new K.InterruptSource(10, evt)'), 'no error');
  assert.is(sim.evaluate('evt.onwait !== null && good.attached()'), true);
  assert.is(err(sim, 'refuse = false; later = new K.InterruptSource(7, q)'), 'no error', 'pin 7 was not left marked in use');
  assert.is(sim.irq.has(7), true);
  sim.evaluate('good.detach(); later.detach()');
  assert.is(sim.evaluate('evt.onwait === null && q.onwait === null'), true);
});

test('a pin beyond the RP2040\'s GPIOs 0..29 is a RangeError before the firmware is called (Kaluma 1.2.1 hangs on attachInterrupt(40))', () => {
  const sim = board('var evt = new T.ThreadSafeEvent(); var calls = 0, realAttach = attachInterrupt; attachInterrupt = function (p, f, e) { calls++; return realAttach(p, f, e); };');
  for (const pin of [30, 40, 255]) {
    assert.match(err(sim, `new K.InterruptSource(${pin}, evt)`), /^RangeError: InterruptSource: pin must be a GPIO number \(an integer 0\.\.29\), got \d+$/);
    assert.match(err(sim, `new K.WatchSource(${pin}, evt)`), /^RangeError: WatchSource: pin must be a GPIO number \(an integer 0\.\.29\)/);
  }
  assert.is(sim.evaluate('calls'), 0, 'attachInterrupt never called');
  assert.is(sim.watches.length, 0);
  assert.is(sim.evaluate('evt.onwait'), null);
  assert.is(err(sim, 'new K.InterruptSource(29, evt).detach()'), 'no error');
});

test.run();
