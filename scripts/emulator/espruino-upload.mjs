// uploadToEspruino({ port, code, mode, baudRate, timeoutMs, run, log }): a program onto an
// Espruino board through a serial port, the way Espruino's own tools send it, and confirmed.
//   mode 'flash' (default): Ctrl-C, then the packet protocol (FILE_SEND of .bootcde + DATA
//     packets, each ACKed), then the board's E.CRC32 of the stored file is compared with the
//     CRC-32 of what was sent; run (default true) then load()s it (it also runs at every boot).
//   mode 'ram': the IDE's "send to RAM": Ctrl-C, reset(), each line after DLE (echo off); confirmed
//     when a marker line typed after the last one is printed (every line was taken). No CRC: the
//     board keeps no copy of the text.
// Resolves { mode, bytes, crc: { sent, board } | null, ms }; rejects with what went wrong (no
// ACK, NAK, a CRC that differs, the port). Needs the `serialport` package (not installed with the
// library: `npm install serialport`).
import { createRequire } from 'node:module';
import { crc32, filePackets, ideLines } from './espruino.mjs';

const require = createRequire(import.meta.url);
const MARK = '<<THREADSAFE-RAM-UPLOAD-DONE>>';

function openPort(path, baudRate) {
  let mod;
  try {
    mod = require('serialport');
  } catch (e) {
    throw new Error(`uploadToEspruino: the serialport package is not installed (${String(e.message).split('\n')[0]}): npm install serialport`);
  }
  const SerialPort = mod.SerialPort || mod;
  return new Promise((resolve, reject) => {
    // serialport 10+: new SerialPort({ path, baudRate }); 9: new SerialPort(path, { baudRate })
    const p = mod.SerialPort ? new SerialPort({ path, baudRate, autoOpen: false }) : new SerialPort(path, { baudRate, autoOpen: false });
    p.open((err) => (err ? reject(new Error(`uploadToEspruino: cannot open ${path}: ${err.message}`)) : resolve(p)));
  });
}

export async function uploadToEspruino({ port, code, mode = 'flash', baudRate = 115200, timeoutMs = 20000, run = true, log = () => {} } = {}) {
  if (typeof port !== 'string' || !port) throw new TypeError('uploadToEspruino: port must be the serial port path (e.g. /dev/ttyACM0)');
  if (typeof code !== 'string') throw new TypeError('uploadToEspruino: code must be the program text (a string)');
  if (mode !== 'flash' && mode !== 'ram') throw new RangeError(`uploadToEspruino: mode must be 'flash' or 'ram', not ${JSON.stringify(mode)}`);
  const t0 = Date.now();
  const p = await openPort(port, baudRate);
  let rx = Buffer.alloc(0);
  const waiters = new Set();
  p.on('data', (d) => {
    rx = Buffer.concat([rx, d]);
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
      await write(Buffer.from(text, 'utf8'));
      await waitFor((b) => b.includes(MARK + '\r\n'), 'the end marker was not printed (lines were lost or the program blocks)', from);
      log(`sent ${Buffer.byteLength(text)} B to RAM`);
      return { mode, bytes: Buffer.byteLength(code), crc: null, ms: Date.now() - t0 };
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
    log(`stored .bootcde (${Buffer.byteLength(data)} B, CRC32 ${sent} confirmed)`);
    if (run) {
      from = rx.length;
      await write(Buffer.from('\x10load()\n'));
      await sleep(100);
    }
    return { mode, bytes: Buffer.byteLength(data), crc: { sent, board }, ms: Date.now() - t0 };
  } finally {
    await new Promise((r) => (p.isOpen ? p.close(() => r()) : r()));
  }
}
