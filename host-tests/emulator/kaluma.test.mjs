// The emulator on the Kaluma 1.2.1 firmware, from the files a user has (the published .uf2 and
// the raw 16 KB bootrom): uploads, stamps from the program's start, wires and pin scripts, and
// bad options. About 30 s of wall time (runs two at a time).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { emulate } from '../../scripts/emulator/index.mjs';
import { KALUMA, whyNoKaluma } from './helpers.mjs';

const test = suite('emulate() on Kaluma');
const why = whyNoKaluma();
const base = { firmware: KALUMA.uf2, bootrom: KALUMA.bootrom };

if (why) {
  console.log(`  emulator on Kaluma: skipped: ${why}`);
} else {
  const timer = "console.log('start'); setTimeout(function () { console.log('timer'); }, 1000);";
  // GP16 is wired to GP17; GP18 is driven by the pin script. Each edge is counted by setWatch.
  const pins = "var n16 = 0, n18 = 0; setWatch(function () { n16++; }, 17, CHANGE, 0); setWatch(function () { n18++; }, 18, RISING, 0);\n" +
    "pinMode(16, OUTPUT); var v = 0; var t = setInterval(function () { v ^= 1; digitalWrite(16, v); }, 20);\n" +
    "setTimeout(function () { clearInterval(t); console.log('edges ' + n16 + ' rises ' + n18); }, 500);";
  // the platform's rule broken on purpose: an attachInterrupt callback that writes a property,
  // edges every 125 us, while the main loop allocates: the engine aborts inside the interrupt
  const breaksRule = "var o = { n: 0 }; var cb = function () { o.n = o.n + 1; }; attachInterrupt(17, cb, RISING);\n" +
    "setInterval(function () { var a = []; for (var i = 0; i < 20; i++) a.push({ i: i }); }, 1);";
  const edges = (ctl) => {
    let t = 100, v = 0;
    const step = () => (ctl.setPin(17, (v ^= 1)), ctl.at((t += 0.125), step));
    ctl.at(t, step);
  };
  const live = [];
  const runs = {
    timer: emulate({ ...base, code: timer, ms: 1300, heap: true, onLine: (l) => live.push(l) }),
    boot: emulate({ ...base, code: timer, upload: 'boot', ms: 1300, until: 'timer' }),
    crash: emulate({ ...base, code: breaksRule, ms: 3000, script: edges }),
    // a 4000-character line takes ~160 ms over USB: the run ends in the middle of it
    cut: emulate({ ...base, code: "var s = ''; for (var i = 0; i < 400; i++) s += 'abcdefghij'; setTimeout(function () { console.log('short'); console.log(s); }, 300);", ms: 250 }),
    serial: emulate({ ...base, code: timer, upload: 'serial', ms: 1300, until: 'timer' }),
    pins: emulate({ ...base, code: pins, ms: 800, wires: [[16, 17]], pins: [{ at: 100, pin: 18, value: 1 }, { at: 150, pin: 18, value: 0 }, { at: 200, pin: 18, value: 1 }], until: /^edges / }),
  };

  test('a program flashed from the .uf2 prints a 1000 ms timer at about 1000 ms from its start', async () => {
    const r = await runs.timer;
    assert.is(r.exitCode, 0, JSON.stringify(r));
    assert.equal(r.lines.map((l) => l.text), ['start', 'timer']);
    assert.equal(live, r.lines, 'onLine saw each line as it came, with the same stamps');
    const t = r.lines[1].ms;
    assert.ok(t >= 1000 && t < 1100, `timer stamped ${t} ms`);
    assert.ok(r.lines[0].ms >= 0 && r.lines[0].ms < 100, `first line stamped ${r.lines[0].ms} ms`);
    assert.is(r.errors.length, 0);
    assert.is(r.crashed, null);
    assert.is(r.heap.heapTotal, 184312, "Kaluma's 180 KB JerryScript heap");
    assert.ok(r.heap.heapUsed > 0 && r.heap.heapUsed < r.heap.heapTotal, JSON.stringify(r.heap));
  });

  test('a program sent over the serial port (YMODEM after .flash -w) is stored and runs', async () => {
    const r = await runs.serial;
    assert.is(r.exitCode, 0, JSON.stringify(r));
    assert.is(r.stats.upload.method, 'serial');
    assert.ok(r.stats.upload.packets >= 3, 'header, data, EOT and end-of-session packets');
    assert.is(r.untilSeen, true);
    assert.ok(r.lines[1].ms >= 1000 && r.lines[1].ms < 1100, `timer stamped ${r.lines[1].ms} ms`);
  });

  test("a program already in flash at power-on ('boot') runs as the board starts; times count from power-on", async () => {
    const r = await runs.boot;
    assert.is(r.exitCode, 0, JSON.stringify(r));
    assert.equal(r.lines.map((l) => l.text), ['start', 'timer']);
    assert.ok(r.lines[1].ms >= 1000 && r.lines[1].ms < 1100, `timer stamped ${r.lines[1].ms} ms`);
  });

  test('a firmware crash inside an interrupt is reported with its kind, exception and function, exit code 3', async () => {
    const r = await runs.crash;
    assert.is(r.exitCode, 3, JSON.stringify(r));
    assert.is(r.crashed.kind, 'panic');
    assert.match(r.crashed.reason, /in exception 29/, 'IO_IRQ_BANK0: the GPIO interrupt');
    assert.match(r.crashed.where, /^_exit\+/, 'the engine gave up (jerry_port_fatal -> exit)');
    assert.ok(r.crashed.ms > 100 && r.crashed.ms < 3000, `crashed at ${r.crashed.ms} ms`);
  });

  test('a line the board was still printing when the run ended is left out of lines, and notes say so', async () => {
    const r = await runs.cut;
    assert.is(r.exitCode, 0, JSON.stringify(r.notes));
    assert.equal(r.lines.map((l) => l.text), ['short']);
    assert.match(r.notes.join('\n'), /the run ended while the board was printing a line, left out of lines \(it is tail\): "abcdefghij/);
    assert.match(r.tail, /^(abcdefghij)+/);
    assert.ok(r.tail.length < 4000, `tail: ${r.tail.length} characters of 4000`);
  });

  test('a jumper wire carries every output edge and the pin script drives its input at its times', async () => {
    const r = await runs.pins;
    assert.is(r.exitCode, 0, JSON.stringify(r));
    const m = /^edges (\d+) rises (\d+)$/.exec(r.lines.at(-1).text);
    assert.ok(m, r.output);
    assert.ok(Number(m[1]) >= 20 && Number(m[1]) <= 26, `edges through the wire: ${m[1]}`);
    assert.is(Number(m[2]), 2);
    const driven = r.pinLog.filter((e) => e.pin === 18).map((e) => Math.round(e.us / 1000));
    assert.ok(driven.length === 3, JSON.stringify(r.pinLog.filter((e) => e.pin === 18)));
  });
}

async function rejects(p, re) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TypeError || e instanceof RangeError, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return;
  }
  assert.unreachable(`no error for ${re}`);
}

test('bad options are refused with the argument named', async () => {
  await rejects(emulate({ ...base, code: 42 }), /code must be the program text/);
  await rejects(emulate({ ...base, code: '', upload: 'usb' }), /upload must be 'flash', 'serial' or 'boot'/);
  await rejects(emulate({ ...base, code: '', wires: [[16]] }), /wires must be \[outPin, inPin\]/);
  await rejects(emulate({ ...base, code: '', pins: [{ at: -1, pin: 2, value: 1 }] }), /pins must be/);
  await rejects(emulate({ ...base, code: '', target: 'micropython' }), /target must be 'kaluma' or 'espruino'/);
  await rejects(emulate({ ...base, code: '', ms: 0 }), /ms must be/);
});

test.run();
