// Kaluma on the emulated Pico: boot to the REPL, upload a program the three ways a board gets
// one, run it, and read back what it printed, line by line with emulated times and colours.
//
//   const k = new KalumaBoard({ flash, bootrom, symbols });
//   await k.boot();                               // until the REPL answers
//   await k.upload(code, 'flash'|'serial');       // 'serial': YMODEM after `.flash -w`, as @kaluma/cli writes
//   await k.start();                              // `.load`: the program runs; loadNs = its start
//   await k.runFor(ms); k.lines()                 // [{ ns, text, red }]
//
// Kaluma keeps the program as one NUL-terminated text at flash offset 0x100000 (board.h of the
// pico port: KALUMA_FLASH_OFFSET 0xFC000 + 4 sectors of 4 KB), up to 128 sectors; `.load` and
// the boot both run it from there. Uncaught errors are printed in red (ESC[31m).
import { Board } from './rp2040.mjs';

export const PROG_FLASH_OFFSET = 0xfc000 + 4 * 4096;
export const PROG_MAX = 128 * 4096;
// km_repl_print_prompt() on an empty line
export const RAW_PROMPT = '\x1b[0m\r\x1b7> \x1b[H\x1b[900C\x1b[6n\x1b8\x1b[2C';
const PROMPT_RE = /\r> $/;
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;

export function stripAnsi(s) {
  return s.replace(ANSI_RE, '');
}

/** One terminal line (no \n) as the user sees it: prompts and colours gone, \r overwrites applied. */
export function cleanLine(raw) {
  let l = stripAnsi(raw.split(RAW_PROMPT).join('')).replace(/\r+$/, '');
  const j = l.lastIndexOf('\r');
  if (j >= 0) l = l.slice(j + 1);
  if (l === '> ' || l === '>') return '';
  return l.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

// CRC-16/XMODEM, as YMODEM's 1 KB packets carry it
function crc16(buf) {
  let crc = 0;
  for (const b of buf) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function ymodemPacket(seq, payload) {
  const p = Buffer.alloc(3 + 1024 + 2, 0xff);
  p[0] = 0x02; // STX: 1 KB block
  p[1] = seq & 0xff;
  p[2] = 0xff - (seq & 0xff);
  payload.copy(p, 3);
  p.writeUInt16BE(crc16(p.subarray(3, 3 + 1024)), 3 + 1024);
  return p;
}

/** The packets @kaluma/cli sends for `kaluma write` (lib/ymodem.js): header "usercode", 1 KB blocks padded with 0xff. */
export function ymodemPackets(code, name = 'usercode') {
  const data = Buffer.from(code, 'utf8');
  const header = Buffer.alloc(1024, 0);
  header.write(name, 0, 'latin1');
  header.write(data.length + ' ', name.length + 1, 'latin1');
  const packets = [ymodemPacket(0, header)];
  for (let off = 0, seq = 1; off < data.length; off += 1024, seq++) {
    const chunk = Buffer.alloc(1024, 0xff);
    data.copy(chunk, 0, off, Math.min(off + 1024, data.length));
    packets.push(ymodemPacket(seq, chunk));
  }
  return packets;
}

export class KalumaBoard extends Board {
  constructor(o) {
    super(o);
    this.outputMark = 0;
    this.loadNs = 0;
    this.readyNs = 0;
    if (o.program != null) this.writeProgramToFlash(o.program);
  }

  /** Stores a program where Kaluma's prog.c keeps it (NUL-terminated), as `.flash -w` leaves it. */
  writeProgramToFlash(code) {
    const bytes = Buffer.from(code, 'utf8');
    if (bytes.length + 1 > PROG_MAX) throw new RangeError(`program: ${bytes.length} bytes; Kaluma stores at most ${PROG_MAX - 1}`);
    const f = this.mcu.flash;
    f.fill(0xff, PROG_FLASH_OFFSET, PROG_FLASH_OFFSET + PROG_MAX);
    f.set(bytes, PROG_FLASH_OFFSET);
    f[PROG_FLASH_OFFSET + bytes.length] = 0;
  }

  readProgramFromFlash() {
    const f = this.mcu.flash;
    if (f[PROG_FLASH_OFFSET] === 0xff) return null;
    let end = PROG_FLASH_OFFSET;
    while (f[end] !== 0 && end < PROG_FLASH_OFFSET + PROG_MAX) end++;
    return Buffer.from(f.subarray(PROG_FLASH_OFFSET, end)).toString('utf8');
  }

  /** Powers on until USB is up and the REPL answers a prompt. Resolves the emulated ms it took. */
  async boot({ maxMs = 5000 } = {}) {
    if (!(await this.runUntil(() => this.connected, { maxMs }))) {
      throw new Error(this.crashed ? `the firmware crashed during boot: ${this.crashed.reason}` : `USB serial never connected within ${maxMs} emulated ms: is this a Kaluma firmware for the Raspberry Pi Pico?`);
    }
    for (let i = 0; i < 20; i++) {
      const from = this.output.length;
      this.serialWrite('\r');
      if (await this.runUntil(() => this.output.slice(from).includes('>'), { maxMs: 100 })) break;
    }
    if (!this.output.includes('>')) throw new Error('the Kaluma REPL gave no prompt: ' + JSON.stringify(stripAnsi(this.output).slice(-200)));
    await this.runFor(5);
    this.bootNs = this.clock.nanos;
    return this.bootNs / 1e6;
  }

  /** Types a REPL line; resolves what it printed before the next prompt (plain text). */
  async command(line, { maxMs = 5000 } = {}) {
    const from = this.output.length;
    this.serialWrite(line + '\r');
    const ok = await this.runUntil(() => PROMPT_RE.test(stripAnsi(this.output.slice(from))), { maxMs });
    if (!ok) throw new Error(`REPL command "${line}" got no prompt: ${JSON.stringify(this.output.slice(from))}`);
    return this.output.slice(from).split('\n').slice(1).map(cleanLine).filter(Boolean).join('\n');
  }

  /** YMODEM through the REPL's `.flash -w`, byte for byte what @kaluma/cli sends. */
  async uploadSerial(code, { maxMs = 60000 } = {}) {
    const w0 = Date.now();
    const t0 = this.clock.nanos;
    const from = this.output.length;
    this.serialWrite('\r.flash -w\r');
    // a byte of the protocol, not the final letter of an ANSI sequence (the prompt's ESC[900C)
    const inEscape = (i) => /\x1b\[[0-9;?]*$/.test(this.output.slice(Math.max(0, i - 8), i));
    const waitByte = async (bytes, since, what) => {
      let at = -1;
      const ok = await this.runUntil(() => {
        for (let i = since; i < this.output.length; i++) if (bytes.includes(this.output.charCodeAt(i)) && !inEscape(i)) return ((at = i), true);
        return false;
      }, { maxMs: 5000 });
      if (!ok) throw new Error(this.crashed ? `the firmware crashed during the upload: ${this.crashed.reason}` : `YMODEM: no ${what} from the board within 5000 emulated ms`);
      return at;
    };
    // the 'C' (ready to receive) comes after the REPL echoed the command
    await this.runUntil(() => this.output.indexOf('.flash -w', from) >= 0 && this.output.indexOf('\n', this.output.indexOf('.flash -w', from)) >= 0, { maxMs: 2000 });
    const echoed = this.output.indexOf('.flash -w', from);
    let mark = await waitByte([0x43], echoed >= 0 ? this.output.indexOf('\n', echoed) : from, "'C' (ready to receive)");
    const packets = ymodemPackets(code);
    packets.push(Buffer.from([0x04])); // EOT
    packets.push(ymodemPacket(0, Buffer.alloc(1024, 0))); // the null header that ends the session
    for (let i = 0; i < packets.length; i++) {
      let tries = 0;
      for (;;) {
        const since = this.output.length;
        this.serialWrite(packets[i]);
        const at = await waitByte([0x06, 0x15, 0x18], since, `answer to packet ${i}`);
        const c = this.output.charCodeAt(at);
        if (c === 0x06) break;
        if (c === 0x18) throw new Error(`YMODEM: the board cancelled the transfer at packet ${i}`);
        if (++tries > 5) throw new Error(`YMODEM: packet ${i} refused 5 times`);
      }
      mark = this.output.length;
      if (this.clock.nanos - t0 > maxMs * 1e6) throw new Error(`YMODEM: the upload took over ${maxMs} emulated ms`);
    }
    await this.runUntil(() => PROMPT_RE.test(stripAnsi(this.output.slice(mark))), { maxMs: 3000 });
    const stored = this.readProgramFromFlash();
    if (stored !== code) throw new Error('YMODEM upload: what the board stored in flash differs from the program');
    return { method: 'serial', bytes: Buffer.byteLength(code), packets: packets.length, emulatedMs: (this.clock.nanos - t0) / 1e6, wallMs: Date.now() - w0 };
  }

  async upload(code, method = 'flash') {
    if (method === 'flash') {
      this.writeProgramToFlash(code);
      return { method, bytes: Buffer.byteLength(code) };
    }
    if (method === 'serial') return this.uploadSerial(code);
    throw new RangeError(`upload: 'flash', 'serial' or 'boot' expected, not ${JSON.stringify(method)}`);
  }

  /**
   * `.load` (what `kaluma write` sends after the transfer): loadNs is when the REPL echoed it and
   * the firmware began to run the program; readyNs when the top level returned (the prompt is back),
   * or after readyMaxMs if it never does. onLoad(loadNs) is called as soon as loadNs is known.
   */
  async start({ readyMaxMs = 2000, onLoad = null } = {}) {
    const mark = this.output.length;
    this.serialWrite('.load\r');
    const echoed = () => {
      const i = this.output.indexOf('.load', mark);
      return i >= 0 ? this.output.indexOf('\n', i) : -1;
    };
    await this.runUntil(() => echoed() >= 0, { maxMs: 2000 });
    if (echoed() < 0) throw new Error(this.crashed ? `the firmware crashed: ${this.crashed.reason}` : 'the REPL did not echo .load');
    this.outputMark = echoed() + 1;
    this.loadNs = this.timeAt(echoed());
    if (onLoad) onLoad(this.loadNs);
    this.ready = await this.runUntil(() => this.output.indexOf(RAW_PROMPT, this.outputMark) >= 0, { maxMs: readyMaxMs });
    this.readyNs = this.clock.nanos;
    return this.readyNs;
  }

  /** true once `text` is part of a complete (newline-ended) program line. */
  printed(text, from = this.outputMark) {
    const raw = stripAnsi(this.output.slice(from));
    const i = raw.indexOf(text);
    return i >= 0 && raw.indexOf('\n', i + text.length) >= 0;
  }

  /** The program's lines since start(): [{ ns (when its newline arrived), text, red, raw }]; empty lines and bare prompts dropped. */
  lines({ partial = true, cursor = null } = {}) {
    const out = [];
    // cursor { off }: continue from where the last call stopped (complete lines only)
    let off = cursor ? Math.max(cursor.off ?? 0, this.outputMark) : this.outputMark;
    const s = this.output;
    while (off < s.length) {
      let nl = s.indexOf('\n', off);
      const complete = nl >= 0;
      if (!complete) {
        if (!partial) break;
        nl = s.length;
      }
      const raw = s.slice(off, nl);
      const text = cleanLine(raw);
      if (text.trim()) out.push({ ns: this.timeAt(complete ? nl : nl - 1), text, red: raw.includes('\x1b[31m'), raw });
      off = nl + 1;
      if (cursor && complete) cursor.off = off;
    }
    return out;
  }
}
