// The interrupt rule holds for the function EncoderSource hands to attachInterrupt (one for both pins), in both
// shipped Kaluma bundles: captured by the simulated board, then parsed by the project's checker
// (no member access, call, allocation or loop; every free variable a number by construction).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { closureViolations, freeNames, isrViolations } from '../../scripts/lib/isr-check.mjs';

const read = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
const test = suite('ISR rule: EncoderSource handlers');

for (const [core, kaluma] of [['threadsafe.js', 'threadsafe-kaluma.js'], ['threadsafe.min.js', 'threadsafe-kaluma.min.js']]) {
  const bundle = read(kaluma);
  function handlers() {
    const sim = new KalumaSim({ countJs: false }); // the handlers' own source
    sim.load(read(core)).load(bundle);
    sim.load('var T = threadsafe, K = threadsafeKaluma; new K.EncoderSource(2, 3, new T.ThreadSafeQueue(new Array(8)));');
    return sim.handlers.map((h) => h.fn.toString());
  }

  test(`the EncoderSource handler of dist/${kaluma}, attached to both pins, touches only its closure primitives`, () => {
    const hs = handlers();
    assert.is(hs.length, 2, 'attached once per pin');
    assert.is(hs[0], hs[1], 'the same function on both pins');
    assert.equal(isrViolations(hs[0]), [], hs[0]);
    assert.equal(closureViolations(bundle, hs[0]), [], hs[0]);
    assert.is(freeNames(hs[0]).length, 6, `six closure numbers (pin A, two levels, position, two counters): ${freeNames(hs[0])}`);
  });

  test(`the handler of dist/${kaluma} as it was before 2026-12-03 (\`a ^= 1\` on its closure's level: what crashed the encoder demo) fails the checker`, () => {
    const src = handlers()[0];
    const before = src.replace(/\b(\w+)\s*=\s*1\s*-\s*\1\b/, "$1 ^= 1");
    assert.is.not(before, src);
    const problems = isrViolations(before);
    assert.ok(problems.some((p) => p.startsWith('compound assignment to a variable outside the handler') && /\^= 1/.test(p)), problems.join('\n') || 'no problem found');
  });

  test(`a handler of dist/${kaluma} edited to keep the position on this fails the checker`, () => {
    const src = handlers()[0];
    const edited = src.replace(/\{/, '{ this.p = events;');
    assert.ok(isrViolations(edited).some((p) => /this|member access/.test(p)), 'the checker catches it');
  });
}

test('the handler of the encoder demo bundle (dist/board/encoder.js, minified by the board build) obeys the rule', () => {
  const bundle = readFileSync(new URL('../../dist/board/encoder.js', import.meta.url), 'utf8');
  const sim = new KalumaSim({ countJs: false });
  sim.load(bundle, 'encoder.js');
  assert.equal(sim.errors, []);
  assert.is(sim.handlers.length, 2);
  const src = sim.handlers[0].fn.toString();
  assert.equal(isrViolations(src), [], src);
  assert.equal(closureViolations(bundle, src), [], src);
});

test.run();
