// The emulated Pico behind a pseudo-terminal: `kaluma write` (@kaluma/cli, its serialport addon,
// YMODEM through a real tty) flashes a program through it, and the program runs. Needs the Kaluma
// files (../shared, as in CI), python3 (it makes the pty) and @kaluma/cli with its addon; says
// which is missing otherwise. About 30 s of wall time (emulated time is paced to wall time).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startBridge } from '../../scripts/emulator/index.mjs';
import { whyNoBridge } from '../../scripts/emulator/bridge.mjs';
import { KALUMA, ROOT, whyNoKaluma } from './helpers.mjs';

const test = suite('startBridge (Kaluma)');

function whyNoCli() {
  try {
    const require = createRequire(join(ROOT, 'package.json'));
    const cli = require.resolve('@kaluma/cli/bin/kaluma.js');
    createRequire(cli)('serialport');
    return null;
  } catch (e) {
    return `@kaluma/cli or its serialport addon is not usable (${String(e.message).split('\n')[0]})`;
  }
}

const why = whyNoKaluma() || whyNoBridge() || whyNoCli();
if (why) {
  console.log(`  startBridge (Kaluma): skipped: ${why}`);
} else {
  test('kaluma write flashes a program through the bridge and the program runs; close() removes the link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-bridge-'));
    const link = join(dir, 'port');
    const prog = join(dir, 'prog.js');
    writeFileSync(prog, "var n = 0; var t = setInterval(function () { n++; console.log('tick ' + n); if (n === 2) clearInterval(t); }, 200);\n");
    const b = await startBridge({ target: 'kaluma', firmware: KALUMA.uf2, bootrom: KALUMA.bootrom, link });
    try {
      assert.ok(existsSync(link), 'the link to the pty exists');
      const from = b.mark();
      const cli = join(ROOT, 'node_modules', '@kaluma', 'cli', 'bin', 'kaluma.js');
      const wrote = new Promise((resolve) => execFile(process.execPath, [cli, 'write', prog, '-p', link], { timeout: 120000 }, (err, out, errOut) => resolve({ err, out: out + errOut })));
      await b.waitFor('tick 2', { from, timeoutMs: 120000 });
      const w = await wrote;
      assert.is(w.err, null, w.out);
      assert.match(w.out, /Done\. \(.*prog\.js : \d+ bytes\)/);
      assert.is(b.board.readProgramFromFlash().startsWith('var n = 0;'), true, 'the program is in flash');
      assert.ok(b.stats().opens >= 1);
    } finally {
      const s = await b.close();
      assert.ok(s.hostBytes > 1024, `the host sent the YMODEM packets (${s.hostBytes} B)`);
    }
    assert.not.ok(existsSync(link), 'close() removed the link');
    rmSync(dir, { recursive: true, force: true });
  });
}

test.run();
