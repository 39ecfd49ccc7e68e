// The Kaluma sources' contract (InterruptSource, WatchSource, TimerSource) on the simulated Pico,
// for both shipped Kaluma bundles (dist/threadsafe-kaluma.js and its minified copy, each with the
// core bundle of the same form): how a constructor refuses bad calls, and how a closed queue
// target ends a source.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const read = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
const FORMS = [
  { name: 'dist/threadsafe-kaluma.js', core: read('threadsafe.js'), kaluma: read('threadsafe-kaluma.js') },
  { name: 'dist/threadsafe-kaluma.min.js', core: read('threadsafe.min.js'), kaluma: read('threadsafe-kaluma.min.js') },
];

for (const { name, core, kaluma } of FORMS) {
  /** A simulated Pico with both bundles loaded: `T` = threadsafe, `K` = threadsafeKaluma. */
  function board(program = '') {
    const sim = new KalumaSim({ chargeLoad: false });
    sim.load(core).load(kaluma).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
    assert.equal(sim.errors, []);
    return sim;
  }
  /** `name: message` of what `code` throws on the board, or 'no error'. */
  const err = (sim, code) => sim.evaluate(`(function () { try { ${code}; return 'no error'; } catch (e) { return e.name + ': ' + e.message; } })()`);

  // [what, arguments it takes (a board expression), how many it takes]
  const SOURCES = [
    ['InterruptSource', '5, evt', 3],
    ['WatchSource', '5, evt', 3],
    ['TimerSource', 'evt, 10', 3],
  ];

  const args = suite(`Kaluma source constructors: ${name}`);

  args('a source called without new throws a TypeError naming it, attaches nothing and writes nothing onto its this', () => {
    const sim = board('var evt = new T.ThreadSafeEvent(); var host = {};');
    for (const [what, a] of SOURCES) {
      assert.is(err(sim, `host.f = K.${what}; host.f(${a})`), `TypeError: ${what}: a constructor: call it with new`);
      assert.is(sim.evaluate('JSON.stringify(Object.keys(host))'), '["f"]', `${what}() wrote nothing onto its this`);
    }
    assert.is(sim.irq.size, 0, 'no interrupt attached');
    assert.is(sim.watches.length, 0, 'no watch');
    assert.is(sim.timers.length, 0, 'no timer');
    assert.is(sim.evaluate('evt.onwait'), null, 'the target is not hooked');
  });

  args('a source given a fourth argument throws a TypeError saying it takes 3, and attaches nothing', () => {
    const sim = board('var evt = new T.ThreadSafeEvent();');
    for (const [what, a, most] of SOURCES) {
      assert.is(err(sim, `new K.${what}(${a}, {}, 'extra')`), `TypeError: ${what}: takes ${most} argument(s) at most, got ${most + 1}`);
    }
    assert.is(sim.irq.size + sim.watches.length + sim.timers.length, 0);
  });

  args('an unknown option (a misspelt pollMs, debounce or record) throws a TypeError naming it and listing the options, and attaches nothing', () => {
    const sim = board('var evt = new T.ThreadSafeEvent();');
    assert.is(err(sim, 'new K.InterruptSource(5, evt, { polMs: 1 })'), 'TypeError: InterruptSource: unknown option "polMs" (the options are events, pollMs, idle, record)');
    assert.is(err(sim, 'new K.WatchSource(5, evt, { debounceMs: 20 })'), 'TypeError: WatchSource: unknown option "debounceMs" (the options are events, debounce, record)');
    assert.is(err(sim, 'new K.TimerSource(evt, 10, { events: 4 })'), 'TypeError: TimerSource: unknown option "events" (the options are record)');
    assert.is(sim.irq.size + sim.watches.length + sim.timers.length, 0);
    assert.is(sim.evaluate('evt.onwait'), null);
    // every known option is accepted
    assert.is(err(sim, 'new K.InterruptSource(5, evt, { events: FALLING, pollMs: 1, idle: true, record: undefined }).detach()'), 'no error');
    assert.is(err(sim, 'new K.WatchSource(6, evt, { events: FALLING, debounce: 5, record: undefined }).detach()'), 'no error');
    assert.is(err(sim, 'new K.TimerSource(evt, 10, { record: undefined }).stop()'), 'no error');
  });

  args('InterruptSource idle that is not a boolean (0, "false", null) throws a TypeError naming options.idle, and attaches nothing', () => {
    const sim = board('var evt = new T.ThreadSafeEvent();');
    for (const [bad, shown] of [['0', '0'], ['"false"', 'the string "false"'], ['null', 'null']]) {
      assert.is(err(sim, `new K.InterruptSource(5, evt, { idle: ${bad} })`), `TypeError: InterruptSource: options.idle must be a boolean, got ${shown}`);
    }
    assert.is(sim.irq.size, 0);
    assert.is(sim.evaluate('evt.onwait'), null);
  });

  args('a pin number outside the GPIOs 0..29 (30, -1, 1.5) is a RangeError, a pin that is not a number a TypeError', () => {
    const sim = board('var evt = new T.ThreadSafeEvent();');
    for (const what of ['InterruptSource', 'WatchSource']) {
      for (const pin of ['30', '-1', '1.5']) {
        assert.is(err(sim, `new K.${what}(${pin}, evt)`), `RangeError: ${what}: pin must be a GPIO number (an integer 0..29), got ${Number(pin)}`);
      }
      assert.is(err(sim, `new K.${what}("5", evt)`), `TypeError: ${what}: pin must be a GPIO number (an integer 0..29), got the string "5"`);
    }
    assert.is(sim.irq.size + sim.watches.length, 0);
  });

  args.run();

  const closed = suite(`a closed queue target ends an InterruptSource: ${name}`);

  closed('idle: false: close() with no edge after it detaches the source within a few loop iterations: its timer is cleared and the pin is free', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(8));
      var src = new K.InterruptSource(5, q, { events: FALLING, idle: false });
    `);
    sim.run(5);
    assert.is(sim.evaluate('src.polling()'), true);
    sim.load('q.close();');
    sim.run(5); // no edge at all
    assert.is(sim.evaluate('src.attached()'), false, 'detached without waiting for an edge');
    assert.is(sim.evaluate('src.polling()'), false);
    assert.is(sim.irq.has(5), false, 'the pin is free');
    assert.is(sim.timers.length, 0, 'no timer left');
  });

  closed('idle (the default) with nobody waiting, the timer already stopped: close() detaches the source', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(8));
      var src = new K.InterruptSource(5, q, { events: FALLING });
    `);
    sim.run(10);
    assert.is(sim.evaluate('src.polling()'), false, 'idle: the timer stopped');
    sim.load('q.close();');
    sim.run(5);
    assert.is(sim.evaluate('src.attached()'), false);
    assert.is(sim.irq.has(5), false);
    assert.is(sim.timers.length, 0);
  });

  closed('idle with a consumer waiting: close() ends the wait ({ done: true }) and detaches the source', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(8));
      var src = new K.InterruptSource(5, q, { events: FALLING });
      var result = null;
      q.next().then(function (r) { result = r; });
    `);
    sim.run(5);
    assert.is(sim.evaluate('src.polling()'), true);
    sim.load('q.close();');
    sim.run(5);
    assert.is(sim.evaluate('result && result.done'), true);
    assert.is(sim.evaluate('src.attached()'), false);
    assert.is(sim.irq.has(5), false);
    assert.is(sim.timers.length, 0);
  });

  closed.run();
}
