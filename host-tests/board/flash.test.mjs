// `npm run flash` against a real serial port: the emulated Kaluma 1.2.1 firmware behind a
// pseudo-terminal (the happy path, an oversize program), a pty nothing answers on, and a path
// that is not a serial port. The upload never hangs and never reports success it cannot confirm.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run, silentPty, startBridge, whyNoBridge, whyNoCli } from './bridge.mjs';

const test = suite('threadsafe flash');
const FLASH = 'scripts/cli.mjs';

test('a path that exists but is not a serial port (/dev/null) is refused before anything is sent', async () => {
  const r = await run(FLASH, ['flash', 'event', '--port', '/dev/null', '--no-build']);
  assert.is(r.code, 2, r.out);
  assert.match(r.out, /\/dev\/null is not a serial port/);
  assert.not.match(r.out, /flash: kaluma write/);
});

test('a name that is neither a demo nor a file is refused with the demos listed', async () => {
  const r = await run(FLASH, ['flash', 'no-such-program', '--port', '/dev/null']);
  assert.is(r.code, 2, r.out);
  assert.match(r.out, /no demo or file named "no-such-program": give a demo name \(.*event.*\)/);
});

const noCli = whyNoCli();
const noPython = (await import('node:child_process')).spawnSync(process.env.PYTHON || 'python3', ['-c', 'import pty'], { stdio: 'ignore' }).status !== 0;
if (noCli || noPython) {
  console.log(`flash.test: skipping "nothing answers on the port": ${noCli || 'python3 is absent'}`);
} else {
  test('nothing answers on the port (a pty with nobody behind it): stopped after --timeout with the likely causes, exit 4', async () => {
    const pty = await silentPty();
    try {
      const r = await run(FLASH, ['flash', 'event', '--port', pty.path, '--no-build', '--timeout', '3']);
      assert.is(r.code, 4, r.out);
      assert.match(r.out, /Writing event\.js/, 'the CLI\'s own output is streamed before the timeout');
      assert.match(r.out, /no complete upload through .* within 3 s; stopped kaluma write/);
      assert.match(r.out, /serial monitor .* still has the port open/);
      assert.match(r.out, /not a Pico running Kaluma/);
      assert.not.match(r.out, /is running/);
      assert.ok(r.ms < 20000, `took ${r.ms} ms`);
    } finally {
      pty.stop();
    }
  });
}

const why = whyNoBridge();
if (why) {
  console.log(`flash.test: skipping the uploads through the emulated firmware: ${why}`);
} else {
  test('through the emulated Pico: Done., the device confirms the size, then the demo runs; an oversize program is refused unsent', async () => {
    const b = await startBridge('flash');
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-flash-'));
    try {
      const from = b.mark();
      const r = await run(FLASH, ['flash', 'event', '--port', b.path, '--no-build']);
      assert.is(r.code, 0, r.out);
      assert.match(r.out, /Done\. \(.*event\.js : \d+ bytes\)/);
      assert.match(r.out, /the device confirms (\d+) bytes of program, the size of dist\/board\/event\.js/);
      assert.match(r.out, /event is running/);
      await b.waitFor('Cleared event', { from, timeoutMs: 60000 });

      // 600 KB: larger than the 512 KB program area. Refused before the port is opened.
      const big = join(dir, 'big.js');
      writeFileSync(big, '// ' + 'x'.repeat(600 * 1024) + '\nconsole.log(1);\n');
      const before = b.stats().hostBytes;
      const o = await run(FLASH, ['flash', big, '--port', b.path]);
      assert.is(o.code, 1, o.out);
      assert.match(o.out, /614\d+ bytes: larger than Kaluma's program area \(524287 bytes at most\)/);
      assert.not.match(o.out, /flash: kaluma write/);
      assert.is(b.stats().hostBytes, before, 'nothing was sent to the device');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await b.stop();
    }
  });
}

test.run();
