// ThreadSafeMessage as the target of the Kaluma sources (InterruptSource, WatchSource,
// TimerSource) on the simulated Pico, for both shipped Kaluma bundles: the message is set with
// the record's value (record(events, index), or what a queue would get), the latest per delivery.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const read = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
const FORMS = [
  { name: 'dist/threadsafe-kaluma.js', core: read('threadsafe.js'), kaluma: read('threadsafe-kaluma.js') },
  { name: 'dist/threadsafe-kaluma.min.js', core: read('threadsafe.min.js'), kaluma: read('threadsafe-kaluma.min.js') },
];

/** Edges at the given µs, alternating from `initial`. */
function edges(times, initial = 1) {
  let level = initial;
  const list = times.map((t) => ({ t, level: (level ^= 1) }));
  return { initial, next: () => list.shift() || null };
}

for (const { name, core, kaluma } of FORMS) {
  function board(program, drive = {}) {
    const sim = new KalumaSim({ chargeLoad: false });
    for (const [pin, signal] of Object.entries(drive)) sim.drive(Number(pin), signal);
    sim.load(core).load(kaluma).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
    assert.equal(sim.errors, []);
    return sim;
  }
  const test = suite(`ThreadSafeMessage as a source target: ${name}`);

  test('InterruptSource (FALLING) sets the message with record(events, index) of the newest edge; a waiter gets it and the counts add up', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage(), got = [];
      var src = new K.InterruptSource(5, m, { events: FALLING, record: function (e, i) { return e * 100 + i; } });
      function loop() { m.wait().then(function (v) { got.push(v); m.clear(); loop(); }); }
      loop();
    `, { 5: edges([1000, 1500, 20000, 20500, 40000, 40100]) });
    sim.run(60);
    assert.equal(sim.errors, []);
    assert.equal(JSON.parse(sim.evaluate('JSON.stringify(got)')), [400, 401, 402], 'one wake-up per falling edge: events 4, index 0..2');
    assert.is(sim.evaluate('m.value()'), 402);
    assert.is(sim.evaluate('src.recorded()'), 3);
    assert.is(sim.evaluate('src.delivered()'), 3);
    assert.is(sim.evaluate('src.dropped() + src.pending()'), 0);
  });

  test('InterruptSource (CHANGE) without record(): the data is the newest edge\'s kind; edges in one collection give one set() of the last', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage();
      var src = new K.InterruptSource(5, m, { idle: false });
    `, { 5: edges([1000, 1200, 1400]) }); // falling, rising, falling, each its own interrupt
    sim.run(20);
    assert.is(sim.evaluate('m.isSet()'), true);
    assert.is(sim.evaluate('m.value()'), 4, 'the last edge was falling');
    assert.is(sim.evaluate('src.delivered()'), 3);
  });

  test('InterruptSource: a record() that throws drops that collection\'s records, counted, with lastError(); the message stays clear', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage();
      var src = new K.InterruptSource(5, m, { events: FALLING, idle: false, record: function () { throw new Error('bad'); } });
    `, { 5: edges([1000, 1500]) });
    sim.run(20);
    assert.is(sim.evaluate('m.isSet()'), false);
    assert.is(sim.evaluate('src.dropped()'), 1);
    assert.is(sim.evaluate('src.lastError().message'), 'bad');
    assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
  });

  test('InterruptSource idle on a message: collects only while a task waits (onwait hooked), unhooked on detach()', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage();
      var src = new K.InterruptSource(5, m, { events: FALLING });
    `);
    sim.run(20);
    assert.is(sim.evaluate('src.polling()'), false, 'nobody waits: idle');
    assert.is(sim.evaluate('typeof m.onwait'), 'function');
    sim.load('m.wait();');
    assert.is(sim.evaluate('src.polling()'), true);
    sim.load('src.detach();');
    assert.is(sim.evaluate('m.onwait'), null);
  });

  test('WatchSource (CHANGE) sets the message with the edge kind read from the pin: 8 after a rise, 4 after a fall', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage(), got = [];
      var src = new K.WatchSource(6, m);
      function loop() { m.wait().then(function (v) { got.push(v); m.clear(); loop(); }); }
      loop();
    `, { 6: edges([5000, 15000], 0) });
    sim.run(30);
    assert.equal(JSON.parse(sim.evaluate('JSON.stringify(got)')), [8, 4]);
    assert.is(sim.evaluate('src.seen()'), 2);
    assert.is(sim.evaluate('src.dropped()'), 0);
  });

  test('WatchSource with a record() that throws: the edge is dropped and counted, the message stays clear', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage();
      var src = new K.WatchSource(6, m, { record: function () { throw new Error('no'); } });
    `, { 6: edges([5000], 0) });
    sim.run(20);
    assert.is(sim.evaluate('m.isSet()'), false);
    assert.is(sim.evaluate('src.dropped()'), 1);
    assert.is(sim.evaluate('src.lastError().message'), 'no');
  });

  test('TimerSource sets the message with the tick number (1, 2, ...) or record(0, tick)', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage(), m2 = new T.ThreadSafeMessage();
      var t1 = new K.TimerSource(m, 10);
      var t2 = new K.TimerSource(m2, 10, { record: function (e, tick) { return 'tick ' + tick; } });
    `);
    sim.run(35);
    assert.is(sim.evaluate('m.value()'), sim.evaluate('t1.ticks()'));
    assert.ok(sim.evaluate('t1.ticks()') >= 3);
    assert.is(sim.evaluate('m2.value()'), 'tick ' + sim.evaluate('t2.ticks()'));
    assert.is(sim.evaluate('t1.dropped() + t2.dropped()'), 0);
  });

  test('an event target still gets set() with no argument (a message is told apart by its value())', () => {
    const sim = board(`
      var args = -1, evt = { set: function () { args = arguments.length; } };
      var src = new K.TimerSource(evt, 10);
    `);
    sim.run(15);
    assert.is(sim.evaluate('args'), 0);
  });

  test.run();
}
