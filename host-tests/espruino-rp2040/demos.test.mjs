// The Espruino demos (board/espruino/*.ts, built to dist/espruino/*.js by npm run build) on the
// emulated Pico running Espruino's RP2040 port, wired as their headers say; each test checks the
// output the header documents. Where the port is absent the tier prints why and registers nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chipMissing, onChip, SHARED } from './chip.mjs';
import { emulate } from '../../scripts/emulator/index.mjs';
import { read } from '../espruino/programs.mjs';

const test = suite('Espruino demos on the emulated Pico (RP2040 port)');
const FIRMWARE = join(SHARED, 'espruino_rp2040_pico.bin');
const BOOTROM = join(SHARED, '..', 'kaluma-emu', 'bootrom-b1.bin');
/** Emulated ms the echo's 1000 items may take: about 11.6 s; the emulator's time is exact, so this is a count, not a timing. */
const ECHO_MS = 15000;
const missing = chipMissing() || (existsSync(BOOTROM) ? null : `${BOOTROM} is absent`);

if (missing) {
  console.log('  Espruino demo tests on the chip skipped: ' + missing);
} else {
  const runs = {};
  test.before(() => {
    // button: the jumper GP16 -> GP17; three report lines (about 3 s of the 100 Hz wave; the run
    // stops at the fourth, which may arrive cut)
    runs.button = onChip(read('dist/espruino/button.js'), { ms: 5500, until: '4 s:', wires: [[16, 17]] });
    // echo: no wiring; the first report comes after 1000 items (about 11.6 s on the chip; 37 s when
    // the consumer's yield cut each 9-item batch after 10 ms, see the test). The marker line first:
    // Espruino prints the prompt after load() only once the program prints or idles, and the echo never idles.
    runs.echo = onChip("print('echo starts');\n" + read('dist/espruino/echo.js'), { ms: ECHO_MS, until: 'Received 1000 queue items.', wallSeconds: 600 });
    // the same button bundle through the project's own emulator (scripts/emulator), as a user runs it
    runs.emulator = emulate({ target: 'espruino', firmware: FIRMWARE, bootrom: BOOTROM, code: read('dist/espruino/button.js'), wires: [[16, 17]], until: /^4 s:/, ms: 5500 });
  });

  /** The button demo's report lines (the first three) hold what its header documents. */
  function checkButton(texts) {
    const lines = texts.filter((t) => / s: /.test(t)).slice(0, 3);
    assert.is(lines.length, 3, texts.join('\n'));
    let last = 0;
    lines.forEach((line, i) => {
      const m = /^(\d+) s: (\d+) edges \((\d+)\/s\), (\d+) rising, (\d+) falling, period ([\d.]+) ms, dropped (\d+), overruns (\d+)$/.exec(line);
      assert.ok(m, 'the documented line: ' + line);
      const [, s, total, rate, rising, falling, period, dropped, overruns] = m.map(Number);
      assert.is(s, i + 1);
      assert.is(rising + falling, total, line);
      assert.ok(Math.abs(rising - falling) <= 1, line);
      assert.is(total - last, rate, line);
      assert.ok(rate >= 180 && rate <= 220, 'about 200 edges in the second (the report timer runs on a busy main loop): ' + line);
      assert.ok(Math.abs(period - 10) < 0.01, 'the PWM period measured from the stamps: ' + line);
      assert.is(dropped, 0, line);
      assert.is(overruns, 0, line);
      last = total;
    });
  }

  test('button: 200 edges/s through the jumper, every edge received, rising = falling, the period from e.time 10 ms, nothing dropped or overrun', async () => {
    const { code, texts, stderr } = await runs.button;
    assert.is(code, 0, stderr);
    checkButton(texts);
  });

  test('button through the project\'s emulator (scripts/emulator, target espruino): the same lines', async () => {
    const r = await runs.emulator;
    assert.is(r.crashed, null);
    assert.equal(r.errors, []);
    checkButton(r.lines.map((l) => l.text));
  });

  test('echo: 1000 integers out and back through two 10-slot queues, each checked in order, within 15 emulated s (the receiver takes each 9-item batch in one go)', async () => {
    const { code, lines, texts, stderr } = await runs.echo;
    assert.is(code, 0, `1000 items not back within ${ECHO_MS} emulated ms (about 11,600 expected; 37,400 when the consumer yields inside each batch)\n${texts.join('\n')}\n${stderr}`);
    assert.equal(texts, ['echo starts', 'Received 1000 queue items.']);
    console.log(`  echo on the chip: 1000 items in ${(lines[1].ms / 1000).toFixed(1)} s (${Math.round(1000 / (lines[1].ms / 1000))} items/s)`);
  });
}

test.run();
