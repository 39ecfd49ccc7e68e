// Espruino's own RP2040 port (BOARD=RP2040_PICO) on the emulated Pico: its REPL on the USB
// serial port, programs uploaded as the Espruino tools send them, the lines read back.
//
//   const e = new EspruinoBoard({ flash, bootrom });
//   await e.boot();                         // until the REPL answers an empty line with a prompt
//   await e.uploadLines(code)               // the IDE's "send to RAM": Ctrl-C, each line after DLE (echo off)
//   await e.uploadFile(code)                // the packet protocol: FILE_SEND .bootcde + DATA packets, then load()
//   e.lines()                               // [{ ns, text }] since the upload
//
// The packet protocol (Espruino 2v25+, README_Protocol.md): DLE SOH, then a 16-bit header (type in
// the top 3 bits, length in the low 13), then the data; the board answers ACK (0x06) or NAK (0x15).
// FILE_SEND (0x60) carries JSON { fn, s }, DATA (0x80) the bytes; Storage keeps them in flash.
import { Board } from './rp2040.mjs';

const DONE_MARK = '<<THREADSAFE-UPLOAD-DONE>>';
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function cleanEspruinoLine(raw) {
  let l = raw.replace(ANSI_RE, '').replace(/\r+$/, '');
  const j = l.lastIndexOf('\r');
  if (j >= 0) l = l.slice(j + 1);
  if (/^>+$/.test(l)) return '';
  return l.replace(/^>/, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

export function packet(type, data) {
  if (data.length > 0x1fff) throw new RangeError('packet: at most 8191 bytes of data');
  return Buffer.concat([Buffer.from([0x10, 0x01, type | (data.length >> 8), data.length & 0xff]), data]);
}

/** The packets that store `code` as file `fn` (what EspruinoWebTools sends for a file). */
export function filePackets(code, { fn = '.bootcde', chunk = 1024 } = {}) {
  const data = Buffer.from(code, 'utf8');
  const out = [packet(0x60, Buffer.from(JSON.stringify({ fn, s: data.length })))];
  for (let off = 0; off < data.length; off += chunk) out.push(packet(0x80, data.subarray(off, off + chunk)));
  return out;
}

/** The text the IDE's "send to RAM" types: each line after DLE (echo off for that line). */
export function ideLines(code) {
  return code.replace(/\r\n?/g, '\n').split('\n').map((l) => '\x10' + l + '\n').join('');
}

/** CRC-32 (IEEE, reflected), the one Espruino's E.CRC32 computes. */
export function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export class EspruinoBoard extends Board {
  constructor(o) {
    super(o);
    this.outputMark = 0;
    this.startNs = 0;
    this.cut = []; // [from, to) output ranges that are protocol, not program output
  }

  async boot({ maxMs = 5000 } = {}) {
    if (!(await this.runUntil(() => this.connected, { maxMs }))) {
      throw new Error(this.crashed ? `the firmware crashed during boot: ${this.crashed.reason}` : `USB serial never connected within ${maxMs} emulated ms: is this Espruino for the Raspberry Pi Pico (BOARD=RP2040_PICO)?`);
    }
    const from = this.output.length;
    this.serialWrite('\n');
    if (!(await this.runUntil(() => /\n>$/.test(this.output.slice(from)), { maxMs }))) {
      throw new Error('the Espruino REPL gave no prompt: ' + JSON.stringify(this.output.slice(-200)));
    }
    this.bootNs = this.clock.nanos;
    return this.bootNs / 1e6;
  }

  /** Types a line at the prompt (echo on); resolves what came back before the next prompt. */
  async command(line, { maxMs = 5000 } = {}) {
    const from = this.output.length;
    this.serialWrite(line + '\n');
    if (!(await this.runUntil(() => /\n>$/.test(this.output.slice(from)), { maxMs }))) {
      throw new Error(`REPL command "${line}" got no prompt: ${JSON.stringify(this.output.slice(from))}`);
    }
    return this.output.slice(from).split('\n').slice(1).map(cleanEspruinoLine).filter(Boolean).join('\n');
  }

  async _interrupt() {
    // Ctrl-C on its own: Espruino clears the input line as it handles it
    this.serialWrite('\x03');
    await this.runUntil(() => this.txIdle, { maxMs: 1000 });
    await this.runFor(20);
  }

  /** The IDE's "send to RAM"; the top level is done when a marker line is printed. */
  async uploadLines(code, { maxMs = 20000 } = {}) {
    const w0 = Date.now();
    const t0 = this.clock.nanos;
    await this._interrupt();
    this.outputMark = this.output.length;
    const text = ideLines(code) + `\x10console.log("${DONE_MARK}")\n`;
    this.serialWrite(text);
    this.startNs = this.clock.nanos;
    const ok = await this.runUntil(() => this.output.indexOf(DONE_MARK + '\r\n', this.outputMark) >= 0, { maxMs });
    if (!ok) throw new Error(this.crashed ? `the firmware crashed during the upload: ${this.crashed.reason}` : `the upload's end marker was not printed within ${maxMs} emulated ms`);
    const i = this.output.indexOf(DONE_MARK + '\r\n', this.outputMark);
    this.cut.push([i, i + DONE_MARK.length + 2]);
    this.readyNs = this.timeAt(i + DONE_MARK.length + 1);
    return { method: 'serial', bytes: Buffer.byteLength(text), emulatedMs: (this.readyNs - t0) / 1e6, wallMs: Date.now() - w0 };
  }

  /** Sends `data` and waits for the board's ACK; the ACK byte is cut from the output. */
  async _acked(data, what) {
    const from = this.output.length;
    this.serialWrite(data);
    let at = -1;
    const ok = await this.runUntil(() => {
      for (let i = from; i < this.output.length; i++) {
        const c = this.output.charCodeAt(i);
        if (c === 0x06 || c === 0x15) return ((at = i), true);
      }
      return false;
    }, { maxMs: 3000 });
    if (!ok) throw new Error(this.crashed ? `the firmware crashed during the upload: ${this.crashed.reason}` : `${what}: no ACK within 3000 emulated ms`);
    this.cut.push([at, at + 1]);
    if (this.output.charCodeAt(at) === 0x15) throw new Error(`${what}: the board answered NAK`);
  }

  /** Stores `code` as .bootcde with the packet protocol, then load(): the file runs as one script. */
  async uploadFile(code, { maxMs = 20000, fn = '.bootcde' } = {}) {
    const w0 = Date.now();
    const t0 = this.clock.nanos;
    await this._interrupt();
    const packets = filePackets(code.endsWith('\n') ? code : code + '\n', { fn });
    for (let i = 0; i < packets.length; i++) await this._acked(packets[i], i ? `DATA packet ${i}` : 'FILE_SEND');
    this.outputMark = this.output.length;
    this.serialWrite('\x10load()\n');
    await this.runUntil(() => this.txIdle, { maxMs: 1000 });
    this.startNs = this.clock.nanos; // load() is in: the interpreter resets and runs the file
    // a marker line typed after load() runs once the file's top level has returned
    this.serialWrite(`\x10console.log("${DONE_MARK}")\n`);
    const ok = await this.runUntil(() => this.output.indexOf(DONE_MARK + '\r\n', this.outputMark) >= 0, { maxMs });
    if (!ok) throw new Error(this.crashed ? `the firmware crashed during load(): ${this.crashed.reason}` : `the top level did not return within ${maxMs} emulated ms of load()`);
    const i = this.output.indexOf(DONE_MARK + '\r\n', this.outputMark);
    this.cut.push([i, i + DONE_MARK.length + 2]);
    this.readyNs = this.timeAt(i + DONE_MARK.length + 1);
    return { method: 'flash', bytes: Buffer.byteLength(code), packets: packets.length, emulatedMs: (this.readyNs - t0) / 1e6, wallMs: Date.now() - w0 };
  }

  async upload(code, method = 'flash') {
    if (method === 'flash') return this.uploadFile(code);
    if (method === 'serial') return this.uploadLines(code);
    throw new RangeError(`upload: 'flash' (the packet protocol, as a file) or 'serial' (the lines, as the IDE sends them) expected for Espruino, not ${JSON.stringify(method)}`);
  }

  printed(text) {
    return this.lines({ partial: false }).some((l) => l.text.includes(text));
  }

  /** The program's lines since the upload: [{ ns, text }] (protocol bytes, markers and bare prompts dropped). */
  lines({ partial = true } = {}) {
    let s = this.output;
    // blank out the cut ranges so offsets (and times) stay those of the raw output
    for (const [a, b] of this.cut) if (b > this.outputMark) s = s.slice(0, a) + '\x00'.repeat(b - a) + s.slice(b);
    const out = [];
    let off = this.outputMark;
    while (off < s.length) {
      let nl = s.indexOf('\n', off);
      const complete = nl >= 0;
      if (!complete) {
        if (!partial) break;
        nl = s.length;
      }
      const text = cleanEspruinoLine(s.slice(off, nl).replace(/\x00/g, ''));
      if (text.trim()) out.push({ ns: this.timeAt(complete ? nl : nl - 1), text });
      off = nl + 1;
    }
    return out;
  }
}
