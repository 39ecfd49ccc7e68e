// Every demo bundle (dist/board/<name>.js, what `npm run flash` uploads) runs on the simulated
// Pico for several seconds of virtual time and prints what its header comment promises.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { squareWave } from '../../scripts/kaluma-sim/index.mjs';
import { runDemo } from '../../scripts/kaluma-sim/demos.mjs';

const event = suite('demo event (micropython-async THREADING.md §3.1)');

event('four waiters per round, one cancelled after 100 ms in rotation, then "Cleared event", once a second', () => {
  const { sim } = runDemo('event', { seconds: 4.5 });
  const expected = [];
  for (let round = 0; round < 4; round++) {
    const cancelled = (round % 4) + 1;
    expected.push(`Waiter ${cancelled} cancelled`);
    for (let n = 1; n <= 4; n++) if (n !== cancelled) expected.push(`Waiter ${n} got event`);
    expected.push('Cleared event');
  }
  expected.push('Waiter 1 cancelled');
  assert.equal(sim.lines(), expected);
  assert.equal(sim.errors, []);
});

event('the event fires on the 1000 ms timer and each cancellation comes 100 ms after its round began', () => {
  const { sim } = runDemo('event', { seconds: 3.5 });
  const times = (re) => sim.output.filter((o) => re.test(o.line)).map((o) => o.t);
  // Kaluma fires a timer at the first iteration whose ms clock is past its due time; the round's
  // own work (wake-ups, prints: a few ms on the calibrated model) comes on top.
  const cleared = times(/^Cleared event$/);
  assert.is(cleared.length, 3);
  cleared.forEach((t, i) => assert.ok(t > 1000 * (i + 1) && t <= 1000 * (i + 1) + 5, `Cleared event at ${t} ms`));
  const cancelled = times(/cancelled$/);
  assert.is(cancelled.length, 4);
  cancelled.forEach((t, i) => {
    const began = i === 0 ? 0 : cleared[i - 1];
    assert.ok(t - began > 100 && t - began <= 110, `cancellation ${i + 1} at ${t} ms, its round began at ${began} ms`);
  });
});

event.run();

const echo = suite('demo echo (micropython-async THREADING.md §2.2.3)');

echo('consecutive integers come back in order (x == n) and a line is printed every 1000 items', () => {
  // A few hundred items/s on the calibrated model (as on the firmware): 7 s give 2 lines or more.
  const { sim } = runDemo('echo', { seconds: 7 });
  const lines = sim.lines();
  assert.ok(lines.length >= 2, lines.join('\n'));
  lines.forEach((line, i) => assert.is(line, `Received ${(i + 1) * 1000} queue items.`));
  const sent = sim.evaluate('echo.sent()');
  const received = sim.evaluate('echo.received()');
  assert.ok(received >= lines.length * 1000 && received < (lines.length + 1) * 1000, String(received));
  assert.ok(sent - received >= 0 && sent - received <= 20, `in flight ${sent - received}: at most the two 9-item queues, a handed item and the sender's next`);
  assert.equal(sim.errors, []);
});

echo.run();

const button = suite('demo button (InterruptSource → ThreadSafeQueue)');
const LINE = /^(\d+) s: (\d+) edges \((\d+)\/s\), (\d+) rising, (\d+) falling, overruns (\d+)$/;

// How many of the 1000 edges/s arrive is a figure of the cost model, held against the firmware
// by host-tests/firmware/sim-calibration.test.mjs (the demo's goal, 1000/s with no overrun, is
// asserted on the firmware by host-tests/firmware/demos.test.mjs); here: the accounting.
button('with GP16 (PWM 500 Hz) wired to GP17 (1000 edges/s), a line every second, and every edge is delivered, pending or counted as an overrun', () => {
  const { sim } = runDemo('button', { seconds: 5.5 });
  const lines = sim.lines();
  assert.is(lines.length, 5, lines.join('\n'));
  let before = 0;
  lines.forEach((line, i) => {
    const m = LINE.exec(line);
    assert.ok(m, line);
    const [, s, total, rate, rising, falling] = m.map(Number);
    assert.is(s, i + 1);
    assert.ok(total > before && total <= 1000 * s + 1, line);
    assert.is(rate, total - before, line);
    assert.ok(Math.abs(rising - falling) <= 1 && rising + falling === total, line);
    before = total;
  });
  const recorded = sim.evaluate('source.recorded()');
  const overruns = sim.evaluate('source.overruns()');
  assert.is(recorded + overruns, sim.edgesOn(17), 'each edge recorded or counted as an overrun (CHANGE: one interrupt per edge)');
  assert.ok(recorded - sim.evaluate('source.delivered()') <= 16, 'at most the ring is still pending');
  assert.equal(sim.errors, []);
});

button('with a bouncy push button on GP17, every bounce is an edge and the counts match the edges generated', () => {
  const { sim } = runDemo('button', { seconds: 3, input: 'button' });
  const last = LINE.exec(sim.lines().at(-1));
  assert.ok(last);
  assert.is(Number(last[6]), 0);
  assert.is(sim.evaluate('source.delivered()'), sim.edgesOn(17));
  assert.is(sim.edgesOn(17) % 14, 0, 'each press and release: 3 bounces (6 edges) + the final edge');
});

button('driven at 4,000 edges/s, beyond what the source sustains, the overruns are counted and printed, never silent', () => {
  const { sim } = runDemo('button', { seconds: 0.5, input: 'none' });
  // input 'none' leaves GP17 unwired (held high by its pull-up); drive it here instead.
  assert.is(sim.stats.irqCalls, 0);
  // (At 80,000 edges/s the handlers alone would take all the CPU, on the board as here.)
  sim.drive(17, squareWave(2000, { startUs: sim.now }));
  sim.run(2000);
  const m = LINE.exec(sim.lines().at(-1));
  assert.ok(m, sim.lines().join('\n'));
  const overruns = sim.evaluate('source.overruns()');
  assert.ok(overruns > 0, 'overruns expected at 4,000 edges/s');
  assert.is(Number(m[6]) <= overruns && Number(m[6]) > 0, true, 'the printed overruns');
  // every interrupt call either recorded its edge(s) or counted an overrun
  assert.is(sim.evaluate('source.recorded()') + overruns, sim.stats.irqCalls);
});

button.run();
