// The Espruino acceptance programs on the chip: the same programs, recipes and expected lines
// as the tier on Espruino's Linux build (../espruino/programs.mjs), run on Espruino's own
// RP2040 port in the emulated Pico (chip.mjs), uploaded as the IDE saves a program to flash.
// Where the port or its runner is absent (a user's clone) the tier prints why and registers nothing.
// About 12 emulated seconds of programs per bundle, two chips at a time (a minute or two of wall time).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chipMissing, NO_QUIT, onChip } from './chip.mjs';
import { allDocs, EXPECTED, program, PROGRAMS, read, RECIPES } from '../espruino/programs.mjs';

const test = suite('Espruino on the RP2040 (its own port, emulated Pico)');
const missing = chipMissing();
const runs = {};
/** The bundles every program runs on: the UMD bundle, and the one-file Espruino bundle (mangled). */
const BUNDLES = ['dist/threadsafe.js', 'dist/threadsafe.espruino.min.js'];

if (missing) {
  console.log('  Espruino-on-Pico tier skipped: ' + missing);
} else {
  test.before(() => {
    for (const bundle of BUNDLES) for (const name of PROGRAMS) runs[bundle + ' ' + name] = onChip(NO_QUIT + program(name, bundle), { ms: 15000 });
    const docs = allDocs();
    for (const r of RECIPES) {
      const recipe = r.find(docs);
      runs[r.name] = recipe === undefined ? Promise.resolve(null)
        : onChip(NO_QUIT + read('dist/threadsafe.js') + '\n' + (typeof r.driver === 'function' ? r.driver(recipe) : recipe + '\n' + r.driver), { ms: 5000 });
    }
  });

  for (const bundle of BUNDLES) {
    test(`${bundle}: the flag, event, queue, typed, abort and errors programs print what they print on the Linux build`, async () => {
      for (const name of PROGRAMS.filter((n) => n !== 'uncaught')) {
        const { code, texts, stderr } = await runs[bundle + ' ' + name];
        assert.equal(texts, EXPECTED[name], name);
        assert.is(code, 0, `${name}: runner exit code (3 crash, 4 no DONE, 6 uncaught error)\n${stderr}`);
      }
    });
    test(`${bundle}: library errors thrown uncaught print as "Uncaught Name: message" on the chip`, async () => {
      const { code, texts } = await runs[bundle + ' uncaught'];
      assert.equal(texts.filter((l) => /^(Uncaught |throw |reject |DONE)/.test(l)), EXPECTED.uncaught);
      assert.is(code, 6, 'the runner reports the uncaught errors');
    });
  }

  test('the ES5 recipes of README.md and docs/*.md run as written on the chip: ' + RECIPES.map((r) => r.name).join(', '), async () => {
    for (const r of RECIPES) {
      const run = await runs[r.name];
      assert.ok(run !== null, `the docs no longer have the recipe "${r.name}" in the form this test runs`);
      assert.equal(run.texts, r.expected, r.name);
      assert.is(run.code, 0, r.name);
    }
  });
}

test.run();
