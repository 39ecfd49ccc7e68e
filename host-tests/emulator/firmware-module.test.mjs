// scripts/firmware.mjs on the project's emulator: the time bases it offers (from the top level's
// return, as the firmware tier has always counted, or from the program's start as emulate()
// does), a bootrom given by path, and the full result of emulate() beside the old fields.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findFirmware, runOnFirmware, whyMissing } from '../../scripts/firmware.mjs';
import { KALUMA } from './helpers.mjs';

const test = suite('scripts/firmware.mjs on the emulator');

if (!findFirmware(undefined, KALUMA.bootrom)) {
  console.log(`  scripts/firmware.mjs on the emulator: skipped: ${whyMissing(undefined, KALUMA.bootrom)}`);
} else {
  const code = "setTimeout(function () { console.log('t1000'); }, 1000); Promise.reject(new Error('x'));";
  const both = Promise.all([
    runOnFirmware({ code }, { ms: 1200, bootrom: KALUMA.bootrom }),
    runOnFirmware({ code }, { ms: 1200, bootrom: KALUMA.bootrom, timeBase: 'start', failOnError: true }),
  ]);

  test("stamps count from the top level's return by default, from the program's start with timeBase 'start'", async () => {
    const [ready, start] = await both;
    const t = (r) => r.lines.find((l) => l.text === 't1000').ms;
    assert.ok(t(start) >= 1000 && t(start) < 1100, `from the start: ${t(start)} ms`);
    assert.ok(t(ready) < t(start) - 20, `from the top level's return: ${t(ready)} ms (the .load re-init and the top level come off)`);
  });

  test('an unhandled rejection: exit 0 by default (as before), 6 with failOnError; the result carries the errors', async () => {
    const [ready, start] = await both;
    assert.is(ready.code, 0, ready.stderr);
    assert.is(start.code, 6, start.stderr);
    assert.equal(start.result.errors.map((e) => e.kind), ['unhandled rejection']);
    assert.ok(ready.stats && ready.stats.upload.method === 'flash', JSON.stringify(ready.stats));
    assert.is(ready.crash, null);
  });
}

test.run();
