// EncoderSource on the simulated Pico, for both shipped Kaluma bundles: quadrature decoded in the
// interrupt (position exact both ways), the targets (queue of signed steps, event, flag, message of
// the position), the error counters, detach, and how a constructor refuses bad calls.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { quadrature, signalOf } from './quadrature.mjs';

const read = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
const FORMS = [
  { name: 'dist/threadsafe-kaluma.js', core: read('threadsafe.js'), kaluma: read('threadsafe-kaluma.js') },
  { name: 'dist/threadsafe-kaluma.min.js', core: read('threadsafe.min.js'), kaluma: read('threadsafe-kaluma.min.js') },
];
const A = 2;
const B = 3;

for (const { name, core, kaluma } of FORMS) {
  /** A simulated Pico turning an encoder on pins 2 (A) and 3 (B) by `turns`. */
  function board(program, turns = [], sim = {}) {
    const s = new KalumaSim({ chargeLoad: false, ...sim });
    if (turns.length) {
      const q = quadrature(turns);
      s.drive(A, signalOf(q.edges, 'A')).drive(B, signalOf(q.edges, 'B'));
      s.endOfTurns = q.end;
    }
    s.load(core).load(kaluma).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
    assert.equal(s.errors, []);
    return s;
  }
  const err = (sim, code) => sim.evaluate(`(function () { try { ${code}; return 'no error'; } catch (e) { return e.name + ': ' + e.message; } })()`);
  const test = suite(`EncoderSource: ${name}`);

  test('turning 300 steps forward then 120 back at 2,000 steps/s leaves position() exactly 180, no invalid or latched edge', () => {
    const sim = board('var enc = new K.EncoderSource(2, 3);', [{ steps: 300, rate: 2000 }, { steps: -120, rate: 2000 }]);
    sim.run(300);
    assert.equal(sim.errors, []);
    assert.is(sim.evaluate('enc.position()'), 180);
    assert.is(sim.evaluate('enc.invalid()'), 0);
    assert.is(sim.evaluate('enc.latched()'), 0);
    assert.equal(sim.isrViolations, []);
  });

  test('turning back past zero gives a negative position: -37', () => {
    const sim = board('var enc = new K.EncoderSource(2, 3);', [{ steps: 13, rate: 1000 }, { steps: -50, rate: 1000 }]);
    sim.run(100);
    assert.is(sim.evaluate('enc.position()'), -37);
  });

  test('a queue target gets the signed steps since the last delivery; they add up to the position, none lost', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(16)), sum = 0, items = 0, batch = new Array(16);
      var enc = new K.EncoderSource(2, 3, q);
      function take() { q.ready().then(function () { var n = q.getManySync(batch); for (var i = 0; i < n; i++) { sum += batch[i]; items++; } take(); }); }
      take();
    `, [{ steps: 200, rate: 2000 }, { steps: -75, rate: 2000 }]);
    sim.run(300);
    assert.is(sim.evaluate('enc.position()'), 125);
    assert.is(sim.evaluate('sum'), 125);
    assert.ok(sim.evaluate('items') > 1, 'delivered in several items');
    assert.is(sim.evaluate('enc.pending()'), 0);
    assert.is(sim.evaluate('enc.dropped()'), 0);
  });

  test('a full queue keeps the steps pending (they add up in the next item): nothing is lost', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(2));
      var enc = new K.EncoderSource(2, 3, q, { idle: false });
    `, [{ steps: 10, rate: 1000, pauseUs: 20000 }, { steps: 7, rate: 1000 }]);
    sim.run(15);
    assert.is(sim.evaluate('q.qsize()'), 1, 'one item waits in the 1-item queue');
    const first = sim.evaluate('q.getSync()');
    const pending = sim.evaluate('enc.pending()');
    assert.ok(first > 0 && pending > 0, `first item ${first}, pending ${pending}`);
    assert.is(first + pending, 10, 'what the full queue held back is pending');
    sim.run(5);
    assert.is(sim.evaluate('q.getSync()'), pending, 'the held-back steps came as one item');
    sim.run(60);
    let rest = 0;
    while (!sim.evaluate('q.empty()')) rest += sim.evaluate('q.getSync()');
    sim.run(5);
    while (!sim.evaluate('q.empty()')) rest += sim.evaluate('q.getSync()');
    assert.is(first + pending + rest, 17);
    assert.is(sim.evaluate('enc.pending()'), 0);
    assert.is(sim.evaluate('enc.dropped()'), 0);
  });

  test('a message target gets position() on each delivery; a waiter wakes with the position', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage(), seen = [];
      var enc = new K.EncoderSource(2, 3, m);
      function show() { m.wait().then(function (p) { m.clear(); seen.push(p); show(); }); }
      show();
    `, [{ steps: 40, rate: 2000, pauseUs: 30000 }, { steps: -15, rate: 2000 }]);
    sim.run(200);
    const seen = JSON.parse(sim.evaluate('JSON.stringify(seen)'));
    assert.is(seen[seen.length - 1], 25);
    assert.ok(seen.includes(40), `the pause at 40 was seen: ${seen}`);
    assert.is(sim.evaluate('m.value()'), 25);
  });

  test('an event target is set when the encoder moved; idle: the timer stops once nobody waits', () => {
    const sim = board(`
      var evt = new T.ThreadSafeEvent(), moved = 0;
      var enc = new K.EncoderSource(2, 3, evt);
      evt.wait().then(function () { moved++; });
    `, [{ steps: 4, rate: 1000 }]);
    sim.run(50);
    assert.is(sim.evaluate('moved'), 1);
    assert.is(sim.evaluate('evt.isSet()'), true);
    assert.is(sim.evaluate('enc.polling()'), false, 'nobody waits: idle');
    assert.is(sim.evaluate('enc.position()'), 4, 'decoded while idle too');
  });

  test('an edge to the level the pin already had counts in invalid() and does not move the position', () => {
    // pin A goes 0 -> 1 -> 0 with B at 0, then A rises twice in a row (the fall between missed: its interrupt disabled)
    const sim = board('var enc = new K.EncoderSource(2, 3);');
    sim.load('enc._isr(2, 8); enc._isr(2, 8); enc._isr(3, 4);');
    assert.is(sim.evaluate('enc.invalid()'), 2);
    assert.is(sim.evaluate('enc.position()'), 1);
  });

  test('both edges of a pin latched in one interrupt (events 12) count in latched() and cancel', () => {
    const sim = board('var enc = new K.EncoderSource(2, 3);');
    sim.load('enc._isr(2, 8); enc._isr(3, 12); enc._isr(2, 12);');
    assert.is(sim.evaluate('enc.latched()'), 2);
    assert.is(sim.evaluate('enc.position()'), 1);
    assert.is(sim.evaluate('enc.invalid()'), 0);
  });

  test('detach() frees both pins, stops the timer, unhooks onwait; a new source can take the pins; twice does nothing', () => {
    const sim = board(`
      var m = new T.ThreadSafeMessage();
      var enc = new K.EncoderSource(2, 3, m);
      m.wait();
    `);
    assert.is(sim.irq.has(A) && sim.irq.has(B), true);
    assert.is(sim.evaluate('enc.polling()'), true);
    sim.load('enc.detach(); enc.detach();');
    assert.is(sim.irq.has(A) || sim.irq.has(B), false);
    assert.is(sim.evaluate('enc.attached()'), false);
    assert.is(sim.evaluate('enc.polling()'), false);
    assert.is(sim.evaluate('m.onwait'), null);
    assert.is(err(sim, 'new K.EncoderSource(2, 3).detach()'), 'no error');
  });

  test('a closed queue target detaches the source', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(4));
      var enc = new K.EncoderSource(2, 3, q, { idle: false });
      q.close();
    `);
    sim.run(20);
    assert.is(sim.evaluate('enc.attached()'), false);
    assert.is(sim.irq.size, 0);
    assert.is(sim.timers.length, 0);
  });

  test('bad calls throw a TypeError/RangeError naming the argument and attach nothing', () => {
    const sim = board('var evt = new T.ThreadSafeEvent(); var host = {};');
    assert.is(err(sim, 'host.f = K.EncoderSource; host.f(2, 3)'), 'TypeError: EncoderSource: a constructor: call it with new');
    assert.is(err(sim, 'new K.EncoderSource(2, 3, evt, {}, 1)'), 'TypeError: EncoderSource: takes 4 argument(s) at most, got 5');
    assert.is(err(sim, 'new K.EncoderSource(30, 3)'), 'RangeError: EncoderSource: pin must be a GPIO number (an integer 0..29), got 30');
    assert.is(err(sim, 'new K.EncoderSource(2, "3")'), 'TypeError: EncoderSource: pin must be a GPIO number (an integer 0..29), got the string "3"');
    assert.is(err(sim, 'new K.EncoderSource(2, 2)'), 'TypeError: EncoderSource: pinA and pinB must differ, got 2 twice');
    assert.match(err(sim, 'new K.EncoderSource(2, 3, {})'), /^TypeError: EncoderSource: target must be/);
    assert.is(err(sim, 'new K.EncoderSource(2, 3, evt, { polMs: 1 })'), 'TypeError: EncoderSource: unknown option "polMs" (the options are pollMs, idle)');
    assert.is(err(sim, 'new K.EncoderSource(2, 3, evt, { idle: 0 })'), 'TypeError: EncoderSource: options.idle must be a boolean, got 0');
    assert.is(sim.irq.size, 0);
    assert.is(sim.evaluate('evt.onwait'), null);
    sim.load('var held = new K.InterruptSource(3, evt, { idle: false });');
    assert.is(err(sim, 'new K.EncoderSource(2, 3)'), 'TypeError: EncoderSource: pin 3 already has an InterruptSource (the firmware keeps one interrupt per pin); detach() it first');
    assert.is(sim.irq.has(A), false, 'pin A was not attached either');
  });

  test('an InterruptSource on a pin an EncoderSource holds is refused naming the EncoderSource; after detach() the pin is free', () => {
    const sim = board('var evt = new T.ThreadSafeEvent(); var enc = new K.EncoderSource(2, 3);');
    assert.is(err(sim, 'new K.InterruptSource(3, evt)'), 'TypeError: InterruptSource: pin 3 already has an EncoderSource (the firmware keeps one interrupt per pin); detach() it first');
    assert.is(err(sim, 'new K.EncoderSource(2, 4)'), 'TypeError: EncoderSource: pin 2 already has an EncoderSource (the firmware keeps one interrupt per pin); detach() it first');
    sim.load('enc.detach(); var src = new K.InterruptSource(3, evt);');
    assert.is(sim.evaluate('src.attached()'), true);
    assert.is(sim.irq.has(3), true);
  });

  test.run();
}
