// The encoder demo (dist/board/encoder.js, what `npm run flash -- encoder` uploads) on the real
// Kaluma 1.2.1 firmware in the emulator, driven by a pin script that turns the encoder 600 steps
// forward at 2,000 steps/s, pauses, then 400 steps back at 2,500 steps/s: the positions it prints
// must be exact (600 at the pause, 200 at the end), with no invalid or latched edge and no crash.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { account, firmwareHere, runOnFirmware } from '../firmware/helpers.mjs';
import { pinScript, quadrature } from './quadrature.mjs';

if (firmwareHere('host-tests/vocab/encoder-fw.test.mjs')) {
  const test = suite('firmware: encoder demo');
  const turn = quadrature([{ steps: 600, rate: 2000, pauseUs: 250000 }, { steps: -400, rate: 2500 }], { startUs: 200000 });
  const run = runOnFirmware(
    { code: readFileSync(new URL('../../dist/board/encoder.js', import.meta.url), 'utf8') },
    { ms: Math.round(turn.end / 1000) + 600, pins: pinScript(turn.edges, 2, 3), until: 'position 200 ' },
  );

  test('turned 600 steps forward at 2,000 steps/s then 400 back at 2,500 steps/s: it prints 600 at the pause and exactly 200 at the end, nothing invalid', async () => {
    const res = await run;
    assert.is(res.crash, null, account(res));
    assert.is(res.code, 0, account(res));
    const positions = res.lines.filter((l) => /^position /.test(l.text));
    for (const l of positions) assert.match(l.text, /^position -?\d+ \(invalid 0, latched 0\)$/, account(res));
    const values = positions.map((l) => Number(/^position (-?\d+)/.exec(l.text)[1]));
    assert.ok(values.includes(600), `600 shown during the pause: ${values}`);
    assert.is(values[values.length - 1], 200, `the last position: ${values}`);
    // rising to 600, then falling to 200: the demo shows a move at most every 100 ms
    const top = values.indexOf(600);
    for (let i = 1; i <= top; i++) assert.ok(values[i] > values[i - 1], `rising: ${values}`);
    for (let i = top + 1; i < values.length; i++) assert.ok(values[i] < values[i - 1], `falling: ${values}`);
  });

  test.run();
}
