// The board demos (dist/board/<name>.js, what `npm run flash` uploads) on the real Kaluma 1.2.1
// firmware in the emulator: each prints what its header comment promises, at the rate it states.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { account, firmwareHere, runOnFirmware, texts } from './helpers.mjs';

const bundle = (name) => readFileSync(new URL(`../../dist/board/${name}.js`, import.meta.url), 'utf8');

if (firmwareHere('host-tests/firmware/demos.test.mjs')) {
  const demos = suite('firmware: board demos');

  // The three runs start together (two at a time: scripts/firmware.mjs) and the tests await them.
  const runs = {
    event: runOnFirmware('dist/board/event.js', { ms: 3300 }),
    echo: runOnFirmware('dist/board/echo.js', { ms: 5000 }),
    // The button demo as wired (GP16 PWM 500 Hz → GP17), with a 10 ms interval added that counts
    // its calls: the main loop must keep running through the demo's 1000 edges/s.
    button: runOnFirmware(
      {
        code: bundle('button') + '\nvar ticks = 0; setInterval(function () { ticks++; }, 10);\n' +
          // pending first, recorded last: an edge between the reads can only make recorded larger
          'setInterval(function () { var p = source.pending(), d = source.delivered(), x = source.dropped();' +
          ' console.log("ticks " + ticks + " pending " + p + " delivered " + d + " dropped " + x + " recorded " + source.recorded()); }, 1000);\n',
      },
      { ms: 4600, wire: '16:17' },
    ),
  };

  demos('event: four waiters per round, one cancelled in rotation 100 ms in, then "Cleared event", once a second', async () => {
    const res = await runs.event;
    assert.is(res.code, 0, account(res));
    const expected = [];
    for (let round = 0; round < 3; round++) {
      const cancelled = (round % 4) + 1;
      expected.push(`Waiter ${cancelled} cancelled`);
      for (let n = 1; n <= 4; n++) if (n !== cancelled) expected.push(`Waiter ${n} got event`);
      expected.push('Cleared event');
    }
    expected.push('Waiter 4 cancelled');
    assert.equal(texts(res), expected, account(res));
    // Once a second: the rounds are 1000 ms apart (the first one's time depends on how long the
    // program's top-level code took, since its timers were made before the runner's time 0).
    const cleared = res.lines.filter((l) => l.text === 'Cleared event').map((l) => l.ms);
    for (let i = 1; i < cleared.length; i++) assert.ok(Math.abs(cleared[i] - cleared[i - 1] - 1000) < 20, `Cleared event at ${cleared.join(', ')} ms`);
  });

  demos('echo: consecutive integers come back in order, a line every 1000 items, at least 500 items/s (the rate its header states: about 640)', async () => {
    const res = await runs.echo;
    assert.is(res.code, 0, account(res));
    const lines = res.lines;
    assert.ok(lines.length >= 3, account(res));
    lines.forEach((l, i) => assert.is(l.text, `Received ${(i + 1) * 1000} queue items.`, account(res)));
    // Rate between the first and the last line (the documented "about once a second" or better).
    const rate = (1000 * (lines.length - 1)) / ((lines[lines.length - 1].ms - lines[0].ms) / 1000);
    assert.ok(rate >= 500, `echo moved ${rate.toFixed(0)} items/s\n${account(res)}`);
  });

  demos('button: 1000 edges/s through InterruptSource, a line every second, overruns 0, and the main loop keeps running its 10 ms timer', async () => {
    const res = await runs.button;
    assert.is(res.code, 0, account(res));
    const seconds = res.lines.filter((l) => / s: /.test(l.text));
    assert.ok(seconds.length >= 4, account(res));
    for (const l of seconds) {
      const m = /^(\d+) s: (\d+) edges \((\d+)\/s\), (\d+) rising, (\d+) falling, overruns (\d+)$/.exec(l.text);
      assert.ok(m, `line "${l.text}"`);
      assert.is(Number(m[6]), 0, `overruns in "${l.text}"\n${account(res)}`);
      assert.is(Number(m[4]) + Number(m[5]), Number(m[2]), l.text);
    }
    // After the first (partial) second the demo keeps up with the wire: 1000 edges/s ± 2 %.
    for (const l of seconds.slice(1)) {
      const perSecond = Number(/\((\d+)\/s\)/.exec(l.text)[1]);
      assert.ok(Math.abs(perSecond - 1000) <= 20, `"${l.text}"\n${account(res)}`);
    }
    const ticks = res.lines.filter((l) => /^ticks /.test(l.text)).map((l) => Number(/^ticks (\d+)/.exec(l.text)[1]));
    assert.ok(ticks.length >= 3, account(res));
    // The board is busy at 1000 edges/s (measured: the interval runs ~65 of its 100 calls a
    // second), but the loop is never frozen.
    for (let i = 1; i < ticks.length; i++) {
      assert.ok(ticks[i] - ticks[i - 1] >= 50, `the 10 ms interval ran ${ticks[i] - ticks[i - 1]} times in a second\n${account(res)}`);
    }
    // Nothing recorded is unaccounted for: recorded = delivered + dropped + pending.
    for (const l of res.lines.filter((x) => /^ticks /.test(x.text))) {
      const m = /pending (\d+) delivered (\d+) dropped (\d+) recorded (\d+)/.exec(l.text);
      const sum = Number(m[1]) + Number(m[2]) + Number(m[3]);
      assert.ok(Number(m[4]) >= sum && Number(m[4]) - sum <= 4, l.text);
    }
  });

  demos.run();
}
