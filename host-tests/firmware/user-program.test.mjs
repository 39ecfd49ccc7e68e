// Board programs of one's own on the real Kaluma 1.2.1 firmware (emulated; skipped with the
// reason where the firmware files are absent):
// - the event demo written with async functions (board/event-async.ts, compiled to ES2018 for
//   Kaluma) prints what the .then form prints, with no uncaught error; the heap after parse of
//   both forms, and of the same async program lowered with TypeScript's ES5 helpers, is printed;
// - a new program written as the README says (a file anywhere, importing 'threadsafe'), built with
//   `npm run build:board` (the `threadsafe build` alias), runs in the simulation (`npm run sim`), on
//   the firmware (`npm run emulate`), and after `npm run flash` through the serial bridge.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findFirmware, runOnFirmware, whyMissing } from '../../scripts/firmware.mjs';
import { buildProgram, emptyHeap, heapAfterParse, KALUMA_ONLY, resolveProgram } from '../../scripts/lib/program.mjs';
import { run, startBridge, whyNoBridge } from '../board/bridge.mjs';

const test = suite('your own board program on the firmware');

/** The event demo's lines without times, up to the second "Cleared event". */
const twoRounds = (lines) => {
  const texts = lines.map((l) => l.text);
  const end = texts.indexOf('Cleared event', texts.indexOf('Cleared event') + 1);
  return texts.slice(0, end + 1);
};

if (!findFirmware()) {
  console.log(`user-program.test: skipping the firmware tests: ${whyMissing()}`);
} else {
  test('event-async (async functions, ES2018) prints what event (.then) prints, no uncaught error; heap after parse of both forms printed', async () => {
    const [thenRun, asyncRun] = await Promise.all(['event', 'event-async'].map((n) => runOnFirmware(`dist/board/${n}.js`, { ms: 2300 })));
    assert.is(asyncRun.code, 0, asyncRun.stderr);
    assert.ok(readFileSync('dist/board/event-async.js', 'utf8').startsWith(KALUMA_ONLY));
    const expected = ['Waiter 1 cancelled', 'Waiter 2 got event', 'Waiter 3 got event', 'Waiter 4 got event', 'Cleared event',
      'Waiter 2 cancelled', 'Waiter 1 got event', 'Waiter 3 got event', 'Waiter 4 got event', 'Cleared event'];
    assert.equal(twoRounds(thenRun.lines), expected);
    assert.equal(twoRounds(asyncRun.lines), expected);
    assert.not.ok(asyncRun.lines.some((l) => /Uncaught/.test(l.text)), asyncRun.stdout);

    // The same async source lowered to ES5 with TypeScript's helpers, for comparison only.
    const helpers = await buildProgram(resolveProgram('event-async'), { out: join(tmpdir(), `threadsafe-event-async-es5-${process.pid}.js`), asyncTarget: 'es5' });
    const baseline = await emptyHeap();
    const [thenHeap, asyncHeap, helperHeap] = await Promise.all(['dist/board/event.js', 'dist/board/event-async.js', helpers.file].map((f) => heapAfterParse(f, { baseline })));
    rmSync(helpers.file, { force: true });
    console.log(`  heap after parse on Kaluma 1.2.1: event (.then, ES5) ${thenHeap.bytes} B; event-async (async, ES2018) ${asyncHeap.bytes} B; ` +
      `event-async lowered to ES5 with TypeScript's helpers ${helperHeap.bytes} B`);
    assert.ok(asyncHeap.measured && thenHeap.measured);
    assert.ok(asyncHeap.bytes < helperHeap.bytes - 1000, 'native async costs less heap than the helpers');
    assert.ok(Math.abs(asyncHeap.bytes - thenHeap.bytes) < 1000, 'the async form costs about what the .then form costs');
  });

  const why = whyNoBridge();
  if (why) console.log(`user-program.test: skipping "a new program … uploads": ${why}`);
  else {
    test('a new program in a folder of its own, importing threadsafe: build:board, sim, emulate, then flash through the bridge and it runs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'threadsafe-user-'));
      const app = join(dir, 'blink.ts');
      writeFileSync(app, [
        "import { ThreadSafeQueue } from 'threadsafe';",
        "import { TimerSource } from 'threadsafe/kaluma';",
        '',
        'const ticks = new ThreadSafeQueue<number>(new Int32Array(8));',
        'const timer = new TimerSource(ticks, 100, { record: (_events, tick) => tick });',
        'pinMode(board.LED, OUTPUT);',
        '',
        'async function main(): Promise<void> {',
        '  for await (const tick of ticks) {',
        '    digitalToggle(board.LED);',
        "    console.log('tick ' + tick);",
        '    if (tick === 5) break;',
        '  }',
        '  timer.stop();',
        "  console.log('blink done');",
        '}',
        'main();',
        '',
      ].join('\n'));
      const b = await startBridge('user');
      try {
        // --no-heap: the heap measurement is the first test's (two more firmware runs here)
        const built = await run('build:board', [app, '--no-heap']);
        assert.is(built.code, 0, built.out);
        assert.match(built.out, /dist\/program\/blink\.js: one script for Kaluma only: async functions at .*blink\.ts:8/);
        assert.match(built.out, /checks: ok/);

        const sim = await run('sim', [app, '--seconds', '1']);
        assert.is(sim.code, 0, sim.out);
        assert.match(sim.out, /\[\s+\d+ ms\] tick 1\n[\s\S]*\[\s+\d+ ms\] tick 5\n\[\s+\d+ ms\] blink done/);

        const emu = await run('emulate', [app, '--seconds', '1.5']);
        assert.is(emu.code, 0, emu.out);
        assert.match(emu.out, /tick 1\n[\s\S]*tick 5\n.*blink done/);
        assert.match(emu.out, /0 uncaught errors; 0 misreported by the firmware; no crash/);

        const from = b.mark();
        const up = await run('flash', [app, '--port', b.path]);
        assert.is(up.code, 0, up.out);
        assert.match(up.out, /the device confirms \d+ bytes of program/);
        await b.waitFor('blink done', { from, timeoutMs: 60000 });
        assert.match(b.output().slice(-300), /tick 5/);
      } finally {
        await b.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

test.run();
