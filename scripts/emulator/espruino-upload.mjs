// uploadToEspruino({ port, code, mode, baudRate, timeoutMs, run, watchMs, until, onLine, log, serialport }):
// a program onto an Espruino board through a serial port, the way Espruino's own tools send it,
// confirmed, and (run) started with its output read back.
//   mode 'flash' (default): Ctrl-C, then the packet protocol (FILE_SEND of .bootcde + DATA
//     packets, each ACKed), then the board's E.CRC32 of the stored file is compared with the
//     CRC-32 of what was sent; run (default true) then load()s it (it also runs at every boot).
//   mode 'ram': the IDE's "send to RAM": Ctrl-C, reset(), each line after DLE (echo off); confirmed
//     when a marker line typed after the last one is printed (every line was taken). No CRC: the
//     board keeps no copy of the text.
// When it runs, a marker line typed after load() is printed once the program's top level has
// returned; the port is then read watchMs longer (default 0), or until a line matches `until` (a
// string it contains, or a RegExp; untilSeen says whether one did). onLine({ ms, text }) gets each line
// the program prints as it comes (ms: wall time since load(), or since the first line for 'ram').
// Resolves { mode, bytes, crc: { sent, board } | null, ms, lines: [{ ms, text }], errors,
// topLevelMs, untilSeen } (errors as emulate()'s: [{ kind, where, text, ms, stack }] from Espruino's
// "Uncaught ..." reports, where 'top level' or 'callback'; empty when run is false); rejects with
// what went wrong (no ACK, NAK, a CRC that differs, no marker, the port). The serial stack is the
// `serialport` package (9 to 13), given as `serialport` (the module) or require()d from here (not
// installed with the library or the toolchain: `npm install serialport`).
import { createRequire } from 'node:module';
import { cleanEspruinoLine, crc32, filePackets, ideLines } from './espruino.mjs';
import { accountEspruinoErrors } from './run-espruino.mjs';
import { matcher } from './rp2040.mjs';

const require = createRequire(import.meta.url);
const MARK = '<<THREADSAFE-RAM-UPLOAD-DONE>>';
const RAN = '<<THREADSAFE-TOP-LEVEL-DONE>>';

function openPort(path, baudRate, mod) {
  if (!mod) {
    try {
      mod = require('serialport');
    } catch (e) {
      throw new Error(`uploadToEspruino: the serialport package is not installed (${String(e.message).split('\n')[0]}): npm install serialport`);
    }
  }
  const SerialPort = mod.SerialPort || mod;
  return new Promise((resolve, reject) => {
    // serialport 10+: new SerialPort({ path, baudRate }); 9: new SerialPort(path, { baudRate })
    const p = mod.SerialPort ? new SerialPort({ path, baudRate, autoOpen: false }) : new SerialPort(path, { baudRate, autoOpen: false });
    p.open((err) => (err ? reject(new Error(`uploadToEspruino: cannot open ${path}: ${err.message}`)) : resolve(p)));
  });
}

export async function uploadToEspruino({ port, code, mode = 'flash', baudRate = 115200, timeoutMs = 20000, run = true, watchMs = 0, until, onLine = () => {}, log = () => {}, serialport } = {}) {
  if (typeof port !== 'string' || !port) throw new TypeError('uploadToEspruino: port must be the serial port path (e.g. /dev/ttyACM0)');
  if (typeof code !== 'string') throw new TypeError('uploadToEspruino: code must be the program text (a string)');
  if (mode !== 'flash' && mode !== 'ram') throw new RangeError(`uploadToEspruino: mode must be 'flash' or 'ram', not ${JSON.stringify(mode)}`);
  if (!(watchMs >= 0)) throw new RangeError(`uploadToEspruino: watchMs must be a number of ms >= 0, not ${JSON.stringify(watchMs)}`);
  if (until != null && typeof until !== 'string' && !(until instanceof RegExp)) throw new TypeError(`uploadToEspruino: until must be a string or a RegExp, not ${JSON.stringify(until)}`);
  const matches = matcher(until) || (() => false);
  const t0 = Date.now();
  const p = await openPort(port, baudRate, serialport);
  let rx = Buffer.alloc(0);
  const waiters = new Set();
  // the program's lines, from `reading.from` on (set once it runs)
  const reading = { from: -1, at: 0, t0: 0, lines: [], seen: false, onSeen: null };
  const readLines = () => {
    if (reading.from < 0) return;
    const text = rx.subarray(reading.at).toString('latin1');
    const nl = text.lastIndexOf('\n');
    if (nl < 0) return;
    reading.at += Buffer.byteLength(text.slice(0, nl + 1), 'latin1');
    for (const raw of text.slice(0, nl).split('\n')) {
      const t = cleanEspruinoLine(raw);
      if (!t.trim() || t === MARK || t === RAN) continue;
      const l = { ms: Date.now() - reading.t0, text: t };
      reading.lines.push(l);
      onLine(l);
      if (!reading.seen && matches(t)) {
        reading.seen = true;
        if (reading.onSeen) reading.onSeen();
      }
    }
  };
  p.on('data', (d) => {
    rx = Buffer.concat([rx, d]);
    readLines();
    for (const w of [...waiters]) w.check();
  });
  const write = (data) => new Promise((res, rej) => p.write(data, (err) => (err ? rej(err) : p.drain((e) => (e ? rej(e) : res())))));
  /** Resolves the match once pred(rx from `from`) returns one; rejects after ms (wall time). */
  const waitFor = (pred, what, from, ms = timeoutMs) =>
    new Promise((res, rej) => {
      const w = {
        check: () => {
          const m = pred(rx.subarray(from));
          if (m) (clearTimeout(t), waiters.delete(w), res(m));
        },
      };
      const t = setTimeout(() => (waiters.delete(w), rej(new Error(`uploadToEspruino: ${what} within ${ms} ms (got ${JSON.stringify(rx.subarray(from).toString('latin1').slice(-120))})`))), ms);
      waiters.add(w);
      w.check();
    });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const startReading = (from) => Object.assign(reading, { from, at: from, t0: Date.now() });
  /** After the top level: its end (the marker `mark` printed), then watchMs more of the program's output. */
  const watch = async (from, mark, what) => {
    await waitFor((b) => b.includes(mark + '\r\n'), what, from);
    const topLevelMs = Date.now() - reading.t0;
    if (watchMs > 0 && !reading.seen) {
      await new Promise((r) => {
        const t = setTimeout(r, watchMs);
        reading.onSeen = () => (clearTimeout(t), r());
      });
      if (reading.seen) await sleep(100); // the rest of a report that began with the line (an error's place, code, caret)
    }
    readLines();
    const { errors } = accountEspruinoErrors(reading.lines, topLevelMs);
    return { lines: reading.lines, errors, topLevelMs, untilSeen: until == null ? undefined : reading.seen };
  };
  try {
    await write(Buffer.from('\x03'));
    await sleep(200);
    if (mode === 'ram') {
      let from = rx.length;
      await write(Buffer.from('\x10reset();\n'));
      await waitFor((b) => /\n>$/.test(b.toString('latin1')) && /espruino/i.test(b.toString('latin1')), 'no banner and prompt after reset()', from, 5000);
      await sleep(50);
      from = rx.length;
      const text = ideLines(code) + `\x10console.log("${MARK}")\n`;
      startReading(from);
      await write(Buffer.from(text, 'utf8'));
      const ran = await watch(from, MARK, 'the end marker was not printed (lines were lost or the program blocks)');
      log(`sent ${Buffer.byteLength(text)} B to RAM`);
      return { mode, bytes: Buffer.byteLength(code), crc: null, ms: Date.now() - t0, ...ran };
    }
    const data = code.endsWith('\n') ? code : code + '\n';
    const packets = filePackets(data);
    for (let i = 0; i < packets.length; i++) {
      const from = rx.length;
      await write(packets[i]);
      const got = await waitFor((b) => (b.includes(0x06) ? 'ack' : b.includes(0x15) ? 'nak' : null), `no ACK for ${i ? 'DATA packet ' + i : 'FILE_SEND'} (is it Espruino 2v25 or later?)`, from, 5000);
      if (got === 'nak') throw new Error(`uploadToEspruino: the board refused ${i ? 'DATA packet ' + i : 'FILE_SEND'} (NAK)`);
    }
    const sent = crc32(Buffer.from(data, 'utf8'));
    let from = rx.length;
    await write(Buffer.from('\x10console.log("CRC="+E.CRC32(require("Storage").read(".bootcde")))\n'));
    const m = await waitFor((b) => /CRC=(-?\d+)\r?\n/.exec(b.toString('latin1')), 'the board did not answer its CRC of .bootcde', from, 5000);
    const board = Number(m[1]) >>> 0;
    if (board !== sent) throw new Error(`uploadToEspruino: the board stored .bootcde with CRC32 ${board}, but ${sent} was sent: upload again`);
    log(`stored .bootcde: ${Buffer.byteLength(data)} bytes, CRC-32 ${sent.toString(16).padStart(8, '0')}, the CRC-32 of what was sent`);
    const out = { mode, bytes: Buffer.byteLength(data), crc: { sent, board }, lines: [], errors: [], topLevelMs: null, untilSeen: undefined };
    if (run) {
      from = rx.length;
      startReading(from);
      // load() resets the interpreter and runs .bootcde; the marker line is taken once its top level has returned
      await write(Buffer.from('\x10load()\n'));
      await sleep(100); // load() has begun: the interpreter's reset is over before the next line comes
      await write(Buffer.from(`\x10console.log("${RAN}")\n`));
      Object.assign(out, await watch(from, RAN, 'the program\'s top level did not return (no prompt after load())'));
    }
    return { ...out, ms: Date.now() - t0 };
  } finally {
    await new Promise((r) => (p.isOpen ? p.close(() => r()) : r()));
  }
}
