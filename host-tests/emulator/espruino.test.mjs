// Espruino's own RP2040 port on the emulated Pico: a program run from flash and from RAM (times
// from its start, wires, errors counted), and uploadToEspruino() through a pseudo-terminal in
// front of it (startBridge), confirmed by the board's CRC-32. Needs Espruino's Pico firmware and
// the bootrom (../shared, as in CI); the upload also python3 (the pty) and the serialport package.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { emulate, startBridge, uploadToEspruino } from '../../scripts/emulator/index.mjs';
import { whyNoBridge } from '../../scripts/emulator/bridge.mjs';
import { crc32 } from '../../scripts/emulator/espruino.mjs';
import { KALUMA, ROOT } from './helpers.mjs';

const test = suite('Espruino on the emulated Pico');
const FIRMWARE = join(process.env.ESPRUINO_RP2040_DIR || join(ROOT, '..', 'shared', 'espruino-rp2040'), 'espruino_rp2040_pico.bin');
const why = !existsSync(FIRMWARE) ? `${FIRMWARE} is absent` : !existsSync(KALUMA.bootrom) ? `${KALUMA.bootrom} is absent` : null;
const base = { target: 'espruino', firmware: FIRMWARE, bootrom: KALUMA.bootrom };

if (why) {
  console.log(`  Espruino on the emulated Pico: skipped: ${why} (it comes with ../shared beside the project, as in CI)`);
} else {
  const prog = "pinMode(D17, 'input_pullup'); var n = 0; setWatch(function () { n++; }, D17, { edge: 'falling', repeat: true });\n" +
    "pinMode(D16, 'output'); var v = 0; var t = setInterval(function () { v ^= 1; digitalWrite(D16, v); }, 20);\n" +
    "setTimeout(function () { clearInterval(t); console.log('falls ' + n); }, 500);\n" +
    "setTimeout(function () { throw new Error('boom'); }, 100);\n" +
    "setTimeout(function () { console.log('t1000'); }, 1000);\n";
  const runs = {
    flash: emulate({ ...base, code: prog, ms: 1300, wires: [[16, 17]], until: 't1000' }),
    ram: emulate({ ...base, code: "console.log('hi');\nsetTimeout(function () { console.log('t300'); }, 300);\n", upload: 'serial', ms: 600, until: 't300' }),
  };

  test('a program stored as a file runs: timers stamp from its start, the wire carries edges, a throw in a timer counts', async () => {
    const r = await runs.flash;
    assert.is(r.exitCode, 1, JSON.stringify(r, null, 1));
    assert.is(r.untilSeen, true);
    const t = r.lines.find((l) => l.text === 't1000');
    assert.ok(t.ms >= 1000 && t.ms < 1100, `t1000 at ${t.ms} ms`);
    const falls = Number(/^falls (\d+)$/.exec(r.lines.find((l) => l.text.startsWith('falls')).text)[1]);
    assert.ok(falls >= 11 && falls <= 13, `falling edges through the wire: ${falls}`);
    assert.equal(r.errors.map((e) => [e.kind, e.where, e.text]), [['uncaught', 'callback', 'Uncaught Error: boom']]);
    assert.is(r.errors[0].stack.at(-1), '^', 'the "at", code and caret lines belong to the error');
  });

  test('a program sent as lines to RAM runs, and its run is clean', async () => {
    const r = await runs.ram;
    assert.is(r.exitCode, 0, JSON.stringify(r, null, 1));
    assert.equal(r.lines.map((l) => l.text), ['hi', 't300']);
    assert.ok(r.lines[1].ms >= 300 && r.lines[1].ms < 360, `t300 at ${r.lines[1].ms}`);
  });

  test("upload 'boot' is refused for Espruino, naming what it takes", async () => {
    try {
      await emulate({ ...base, code: '', upload: 'boot' });
      assert.unreachable();
    } catch (e) {
      assert.instance(e, RangeError);
      assert.match(e.message, /upload must be 'flash' .* or 'serial'/);
    }
  });

  let whyNoUpload = whyNoBridge();
  try {
    createRequire(join(ROOT, 'package.json'))('serialport');
  } catch (e) {
    whyNoUpload ||= `the serialport package is not usable (${String(e.message).split('\n')[0]})`;
  }
  if (whyNoUpload) {
    console.log(`  uploadToEspruino through a pty: skipped: ${whyNoUpload}`);
  } else {
    test('uploadToEspruino stores a program through a serial port, the board confirms its CRC-32, it runs and its output and errors come back', async () => {
      const b = await startBridge({ ...base });
      try {
        const code = "console.log('TOP'); var k = 0; setInterval(function () { k++; if (k === 2) console.log('UPLOADED ' + k); }, 100);";
        const from = b.mark();
        const r = await uploadToEspruino({ port: b.path, code, mode: 'flash', watchMs: 60000, until: 'UPLOADED' });
        assert.equal(r.crc, { sent: crc32(Buffer.from(code + '\n')), board: crc32(Buffer.from(code + '\n')) });
        await b.waitFor('UPLOADED 2', { from, timeoutMs: 30000 });
        assert.is(r.untilSeen, true);
        assert.equal(r.lines.map((l) => l.text), ['TOP', 'UPLOADED 2'], 'what the program printed came back through the port');
        assert.equal(r.errors, []);
        const bad = await uploadToEspruino({ port: b.path, code: "console.log('before');\nthrow new Error('at the top');\n", mode: 'flash', watchMs: 200 });
        assert.equal(bad.errors.map((e) => [e.kind, e.where, e.text]), [['uncaught', 'top level', 'Uncaught Error: at the top']]);
        assert.is(bad.lines[0].text, 'before');
        const ram = b.mark();
        const r2 = await uploadToEspruino({ port: b.path, code: "console.log('IN RAM');", mode: 'ram' });
        assert.is(r2.crc, null);
        await b.waitFor('IN RAM', { from: ram, timeoutMs: 10000 });
      } finally {
        await b.close();
      }
    });
  }
}

test.run();
