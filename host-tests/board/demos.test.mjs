// Every demo bundle (dist/board/<name>.js, what `npm run flash` uploads) runs on the simulated
// Pico for several seconds of virtual time and prints what its header comment promises.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { squareWave } from '../../scripts/kaluma-sim/index.mjs';
import { runDemo } from '../../scripts/kaluma-sim/demos.mjs';

const event = suite('demo event (seed §3.1)');

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
  // Kaluma fires a timer at the first iteration whose ms clock is past its due time.
  assert.equal(times(/^Cleared event$/), [1001, 2001, 3001]);
  assert.equal(times(/cancelled$/), [101, 1102, 2102, 3102]);
});

event.run();

const echo = suite('demo echo (seed §2.2.3)');

echo('consecutive integers come back in order (x == n) and a line is printed every 1000 items', () => {
  const { sim } = runDemo('echo', { seconds: 5.5 });
  const lines = sim.lines();
  assert.ok(lines.length >= 4, lines.join('\n'));
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

button('with GP16 (PWM 500 Hz) wired to GP17, every edge arrives: 1000 edges/s, no overrun', () => {
  const { sim } = runDemo('button', { seconds: 5.5 });
  const lines = sim.lines();
  assert.is(lines.length, 5, lines.join('\n'));
  lines.forEach((line, i) => {
    const m = LINE.exec(line);
    assert.ok(m, line);
    const [, s, total, rate, rising, falling, overruns] = m.map(Number);
    assert.is(s, i + 1);
    assert.ok(Math.abs(total - 1000 * s) <= 1, line);
    assert.ok(Math.abs(rate - 1000) <= 1, line);
    assert.ok(Math.abs(rising - falling) <= 1 && rising + falling === total, line);
    assert.is(overruns, 0, line);
  });
  const delivered = sim.evaluate('source.delivered()');
  assert.is(sim.evaluate('source.recorded()'), sim.edgesOn(17));
  assert.ok(sim.edgesOn(17) - delivered <= 16, 'at most the ring is still pending');
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

button('driven at 80,000 edges/s, beyond what the source sustains, the overruns are counted and printed, never silent', () => {
  const { sim } = runDemo('button', { seconds: 0.5, input: 'none' });
  // input 'none' leaves GP17 unwired (held high by its pull-up); drive it here instead.
  assert.is(sim.stats.irqCalls, 0);
  sim.drive(17, squareWave(40000, { startUs: sim.now }));
  sim.run(2000);
  const m = LINE.exec(sim.lines().at(-1));
  assert.ok(m, sim.lines().join('\n'));
  const overruns = sim.evaluate('source.overruns()');
  assert.ok(overruns > 0, 'overruns expected at 80,000 edges/s');
  assert.is(Number(m[6]) <= overruns && Number(m[6]) > 0, true, 'the printed overruns');
  // every interrupt call either recorded its edge(s) or counted an overrun
  assert.is(sim.evaluate('source.recorded()') + overruns, sim.stats.irqCalls);
});

button.run();
