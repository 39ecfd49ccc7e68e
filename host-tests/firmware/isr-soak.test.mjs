// Interrupts fired through many garbage collections on purpose, on the real Kaluma 1.2.1 firmware
// (emulated), with the firmware's own engine functions watched (the emulator's isrProbe,
// scripts/emulator/kaluma-isr.mjs): the main loop churns the heap over a few hundred live objects
// while pins toggle, so that the collector runs every few tens of ms and a seventh or so of the
// interrupts land inside a collection. Watched per handler: every reference the interrupt's
// JavaScript takes (ecma_ref_object) and every allocation (jmem_*). A reference on an object whose
// count is 0 is what stops the firmware when it lands while the collector marks (docs/platform.md,
// "The interrupt rule"); the handlers the library builds must take none, and allocate nothing.
//   (a) EncoderSource (pins 2, 3, CHANGE), turned 4 steps back, 1,004 forward (through -1 -> 0,
//       where its 27-bit counter wraps) and 500 back at 1,000 steps/s
//   (b) InterruptSource: CHANGE into a queue (the ring handler, pin 6) and RISING counted (pin 7)
//   (c) a minimal hand-written handler `n = (n + 1) & 0x3ffffff` (pin 8), started 16 edges below
//       its wrap (a 26-bit mask: `n + 1` never reaches 2^27, which JerryScript would allocate)
// and, as the control, the same run with a handler that breaks the rule (`n += 1` on its
// closure variable, pin 9): the firmware stops with the encoder demo's old crash.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { account, counters, firmwareHere, program, runOnFirmware } from './helpers.mjs';
import { pinScript, quadrature } from '../vocab/quadrature.mjs';

if (firmwareHere('host-tests/firmware/isr-soak.test.mjs')) {
  const test = suite('firmware: interrupts through garbage collections');
  const MS = 2000;
  // 4 steps back first: the turn forward then passes position -1 -> 0, where the counter wraps
  const turn = quadrature([{ steps: -4, rate: 1000 }, { steps: 1004, rate: 1000 }, { steps: -500, rate: 1000 }], { startUs: 20000 });
  const pins = pinScript(turn.edges, 2, 3);
  /** Square wave on `pin` (rising at `startMs`, every `periodMs`) until MS: its rising edges. */
  const wave = (pin, periodMs, startMs) => {
    let n = 0;
    for (let t = startMs; t < MS; t += periodMs, n++) pins.push({ atMs: +t.toFixed(3), pin, level: 1 }, { atMs: +(t + periodMs / 2).toFixed(3), pin, level: 0 });
    return n;
  };
  const cycles6 = wave(6, 4, 20.3);
  const rising7 = wave(7, 2, 20.7);
  const rising8 = wave(8, 2, 21.1);
  const good = pins.slice();
  const rising9 = wave(9, 2, 21.5);
  const bad = pins.slice();
  for (const p of [good, bad]) p.sort((a, b) => a.atMs - b.atMs);
  const options = (p) => ({ ms: MS + 1500, startOn: 'READY', until: 'END', pins: p, isrProbe: true });
  const runs = {
    good: runOnFirmware(program('isr-soak.js', `var SOAK_MS = ${MS};\n`, { min: true }), options(good)),
    bad: runOnFirmware(program('isr-soak.js', `var SOAK_MS = ${MS}; var SOAK_BAD = 1;\n`, { min: true }), options(bad)),
  };
  const probed = async (name) => {
    const res = await runs[name];
    if (res.isr && res.isr.unavailable) {
      console.log(`  skipped the engine checks of isr-soak.test.mjs (${name} run): ${res.isr.unavailable}`);
      return { res, isr: null };
    }
    assert.ok(res.isr, `the run reported what the handlers did (isrProbe)\n${account(res)}`);
    return { res, isr: res.isr };
  };
  const show = (isr) => JSON.stringify(isr);
  const GOOD_PINS = { 2: 'EncoderSource (pin A)', 3: 'EncoderSource (pin B)', 6: 'InterruptSource CHANGE (ring)', 7: 'InterruptSource RISING (count)', 8: 'the minimal handler' };

  test('through 20+ collections, with 50+ interrupts per handler inside one: the encoder, both InterruptSource handlers and a minimal handler take no reference and allocate nothing, and every edge is counted exactly', async () => {
    const { res, isr } = await probed('good');
    assert.is(res.crash, null, account(res));
    assert.is(res.code, 0, account(res));
    const line = res.lines.find((l) => l.text.startsWith('soak '));
    assert.ok(line, account(res));
    const c = counters(line.text.slice(5));
    assert.is(c.position, -4 + 1004 - 500, `the encoder's exact position: ${line.text}`);
    assert.is(c.invalid, 0, line.text);
    assert.is(c.latched, 0, line.text);
    assert.is(c.ring, 2 * cycles6, `every CHANGE edge recorded: ${line.text}`);
    assert.is(c.overruns, 0, line.text);
    assert.is(c.taken, 2 * cycles6, `and taken from the queue: ${line.text}`);
    assert.is(c.counted, rising7, line.text);
    assert.is(c.edges8, (0x3fffff0 + rising8) % 0x4000000, `counted through its wrap: ${line.text}`);
    if (!isr) return;
    assert.equal(isr.fatal, [], show(isr));
    assert.ok(isr.gcRuns >= 20, `collections: ${isr.gcRuns}`);
    for (const [pin, what] of Object.entries(GOOD_PINS)) {
      const s = isr.pins[pin];
      assert.ok(s, `${what}: no interrupt seen\n${show(isr)}`);
      assert.ok(s.duringGc >= 50, `${what}: ${s.duringGc} interrupts inside a collection (50+ wanted)`);
      assert.is(s.refs, 0, `${what}: references taken inside the interrupt: ${JSON.stringify(s.sites)}`);
      assert.is(s.allocations, 0, `${what}: allocations inside the interrupt: ${JSON.stringify(s.sites)}`);
    }
    assert.is(isr.pins[2].interrupts + isr.pins[3].interrupts, turn.edges.length, 'one interrupt per encoder edge');
  });

  test('the control: a handler doing `n += 1` on its closure variable takes a reference on a count-0 object per interrupt, and the firmware stops with jerry_fatal(ERR_REF_COUNT_LIMIT) inside the GPIO interrupt during a collection', async () => {
    const { res, isr } = await probed('bad');
    assert.ok(res.crash, `the firmware stops\n${account(res)}`);
    assert.match(res.crash, /exception 29/, 'inside the GPIO interrupt');
    assert.not.ok(res.lines.some((l) => l.text.startsWith('soak ')), 'before the end of the run');
    if (!isr) return;
    assert.equal(isr.fatal.map((f) => [f.code, f.caller, f.inInterrupt, f.pin, f.duringGc]), [[12, 'ecma_ref_object+0x16', true, 9, true]], show(isr));
    const s = isr.pins[9];
    assert.is(s.refs, s.interrupts, `one reference per interrupt: ${show(s)}`);
    assert.ok(s.unrooted > 0.5 * s.interrupts, `on an object of count 0 (the closure's scope): ${show(s)}`);
    for (const pin of Object.keys(GOOD_PINS)) assert.is(isr.pins[pin].refs, 0, `pin ${pin} still takes none`);
    assert.ok(rising9 > s.interrupts, 'it stopped before the end of the pin script');
  });

  test.run();
}
