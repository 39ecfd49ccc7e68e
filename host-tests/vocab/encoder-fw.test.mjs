// The encoder demo (dist/board/encoder.js, what `npm run flash -- encoder` uploads) on the real
// Kaluma 1.2.1 firmware in the emulator, driven by a pin script that turns the encoder 600 steps
// forward at 2,000 steps/s, pauses, then 400 steps back at 2,500 steps/s: the positions it prints
// must be exact (600 at the pause, 200 at the end), with no invalid or latched edge and no crash.
// The same program on the library's UMD bundles (what a user pastes) runs too.
// Until 2026-12-03 the demo bundle stopped the firmware in the GPIO interrupt (jerry_fatal
// ERR_REF_COUNT_LIMIT): the handler updated its closure's pin level with `a ^= 1`, and for a
// compound assignment JerryScript takes a reference on the closure's scope object, which the
// collector marks "not visited" in its reference-count bits while it marks (docs/platform.md,
// "The interrupt rule"). The handler now writes `a = 1 - a`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { account, firmwareHere, runOnFirmware } from '../firmware/helpers.mjs';
import { pinScript, quadrature } from './quadrature.mjs';

if (firmwareHere('host-tests/vocab/encoder-fw.test.mjs')) {
  const test = suite('firmware: encoder demo');
  const turn = quadrature([{ steps: 600, rate: 2000, pauseUs: 250000 }, { steps: -400, rate: 2500 }], { startUs: 200000 });
  const options = { ms: Math.round(turn.end / 1000) + 600, pins: pinScript(turn.edges, 2, 3), until: 'position 200 ' };
  const lib = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
  // board/encoder.ts on the UMD bundles: the demo's own lines with the library's globals
  const umd = lib('threadsafe.min.js') + '\n' + lib('threadsafe-kaluma.min.js') + '\n' +
    'var T = threadsafe, K = threadsafeKaluma; pinMode(2, INPUT_PULLUP); pinMode(3, INPUT_PULLUP); pinMode(board.LED, OUTPUT);\n' +
    'var moved = new T.ThreadSafeMessage(); var encoder = new K.EncoderSource(2, 3, moved); var shown = 0;\n' +
    'function show() { moved.wait().then(function (p) { moved.clear(); if (p !== shown) { digitalWrite(board.LED, p > shown ? HIGH : LOW); shown = p;' +
    ' console.log("position " + p + " (invalid " + encoder.invalid() + ", latched " + encoder.latched() + ")"); } setTimeout(show, 100); }); }\nshow();\n';
  const runs = { umd: runOnFirmware({ code: umd }, options), demo: runOnFirmware({ code: lib('board/encoder.js') }, options) };

  for (const [name, run] of Object.entries(runs)) test(`${name === 'umd' ? 'the demo\'s program on the UMD bundles' : 'the demo bundle'}: turned 600 steps forward at 2,000 steps/s then 400 back at 2,500 steps/s: it prints 600 at the pause and exactly 200 at the end, nothing invalid`, async () => {
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
