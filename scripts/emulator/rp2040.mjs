// An emulated Raspberry Pi Pico on rp2040js: the RP2040 core at 125 MHz (cycle-approximate, no
// flash wait states), its flash (the bootrom's flash routines are done by the harness, since
// rp2040js has no QSPI flash model), the USB CDC serial port as a host sees it, GPIO with pulls,
// jumper wires and pins driven at exact emulated times, function hooks on firmware addresses,
// and crash detection (hard fault / panic breakpoints, lockup, watchdog reset).
//
//   const board = new Board({ flash, bootrom });     // images.mjs reads the files
//   await board.runUntil(() => board.connected, { maxMs: 5000 });
//   board.serialWrite('...'); board.output; board.onOutput(cb)
//   board.setPin(17, 1); board.schedulePin(ns, 17, 0); board.wire(16, 17); board.onPinChange(cb)
//   board.hook(address, (board) => {...})           // runs when the core reaches address
//   board.crashed -> null | { kind: 'hard fault'|'panic'|'lockup'|'watchdog', reason, ns, pc, lr }
import { createRequire } from 'node:module';
import { FLASH_BASE } from './images.mjs';

const require = createRequire(import.meta.url);
const { Simulator, USBCDC, ConsoleLogger, LogLevel } = require('rp2040js');

const CYCLE_NS = 1e9 / 125e6;
// The bootrom's flash functions (by their two-letter table codes) are patched to BKPT #0xa0+i.
const ROM_HOOKS = ['IF', 'EX', 'RE', 'RP', 'FC', 'CX'];
const BKPT_ROM = 0xa0;
const BKPT_HOOK = 0xb7; // a function hook placed on a firmware address
const B_SELF = 0xe7fe; // `b .`: a core spinning on itself (a lockup, or a panic loop)

function patchBootrom(words) {
  const rom = new Uint32Array(words);
  const dv = new DataView(rom.buffer);
  let tab = dv.getUint16(0x14, true);
  let found = 0;
  for (;;) {
    const code = dv.getUint16(tab, true);
    if (!code) break;
    const fn = dv.getUint16(tab + 2, true);
    const idx = ROM_HOOKS.findIndex((s) => (s.charCodeAt(0) | (s.charCodeAt(1) << 8)) === code);
    if (idx >= 0) {
      dv.setUint16(fn & ~1, 0xbe00 | (BKPT_ROM + idx), true);
      found++;
    }
    tab += 4;
  }
  if (found !== ROM_HOOKS.length) throw new Error('the bootrom has not all of its flash functions in its table: is it the RP2040 B1 bootrom?');
  return rom;
}

/** A test of a printed line: contains `m` (a string) or matches it (a RegExp); null for no `m`. */
export const matcher = (m) => (m == null ? null : typeof m === 'string' ? (t) => t.includes(m) : (t) => m.test(t));

export class Board {
  /**
   * @param {object} o
   * @param {Uint8Array} o.flash flash image from 0x10000000
   * @param {Uint32Array} o.bootrom the 16 KB bootrom
   * @param {boolean} [o.modelPulls] undriven inputs follow their pull-up/-down (default true)
   * @param {number} [o.wallTimeoutMs] a run taking longer (wall time) throws
   */
  constructor(o) {
    this.opts = { modelPulls: true, wallTimeoutMs: 300000, ...o };
    const sim = new Simulator(); // only for its RP2040 and clock: the run loop is ours
    this.clock = sim.clock;
    const mcu = (this.mcu = sim.rp2040);
    mcu.logger = new ConsoleLogger(o.verbose ? LogLevel.Warn : LogLevel.Error);
    mcu.loadBootrom(patchBootrom(o.bootrom));
    mcu.flash.set(o.flash, 0);
    this.crashed = null;
    this.output = ''; // everything received over USB CDC (latin1: one char per byte)
    this.chunkTimes = []; // [offset into output, emulated ns] of each USB packet
    this.txQueue = [];
    this.txOff = 0;
    this.connected = false;
    this.flashOps = { erase: 0, program: 0, bytes: 0 };
    this.driven = new Map();
    this.pinListeners = [];
    this.outputListeners = [];
    this.hooks = new Map(); // address -> { original, fns }
    this.instructions = 0;
    this.wallStart = Date.now();
    mcu.onBreak = (code) => this._onBreak(code);
    const wd = mcu.peripherals[0x40058];
    wd.onWatchdogTrigger = () => {
      this._crash('watchdog', 'the watchdog timer expired (the firmware stopped feeding it): a real board resets here');
      // stop it: expired, rp2040js would re-arm it at the same instant for ever
      wd.alarm.enable = false;
      wd.timer.enable = false;
    };

    mcu.gpio.forEach((pin, i) => {
      pin.addListener((state) => {
        // state: 0 Low, 1 High, 2 Input, 3 PullUp, 4 PullDown, 5 BusKeeper
        if (!this.driven.has(i) && this.opts.modelPulls) {
          if (state === 3 && !pin.rawInputValue) pin.setInputValue(true);
          else if (state === 4 && pin.rawInputValue) pin.setInputValue(false);
        }
        if ((state === 0 || state === 1) && !this.driven.has(i) && pin.rawInputValue !== (state === 1)) {
          pin.setInputValue(state === 1); // an output pad reads back what it drives
        }
        if (state === 0 || state === 1) {
          const ev = { ns: this.clock.nanos, pin: i, level: state, dir: 'out' };
          for (const l of this.pinListeners) l(ev);
        }
      });
    });

    const cdc = (this.cdc = new USBCDC(mcu.usbCtrl));
    cdc.onDeviceConnected = () => {
      this.connected = true;
      this.connectedNs = this.clock.nanos;
    };
    cdc.onSerialData = (buf) => {
      const s = Buffer.from(buf).toString('latin1');
      this.chunkTimes.push([this.output.length, this.clock.nanos]);
      this.output += s;
      for (const l of this.outputListeners) l(s, buf);
    };
    mcu.core.PC = FLASH_BASE; // boot2 at the start of flash
  }

  get nowNs() {
    return this.clock.nanos;
  }
  get nowMs() {
    return this.clock.nanos / 1e6;
  }

  /** What a pin script gets (`emulate({ script })`): pins, alarms and time in ms from `baseNs`. */
  scriptControl(baseNs) {
    return {
      setPin: (pin, v) => this.setPin(pin, v),
      getPin: (pin) => this.getPin(pin),
      at: (ms, fn) => this.clock.createAlarm(fn).schedule(Math.max(0, baseNs + ms * 1e6 - this.nowNs)),
      onPinChange: (cb) => this.onPinChange((ev) => cb({ ms: (ev.ns - baseNs) / 1e6, pin: ev.pin, value: ev.level, dir: ev.dir })),
      nowMs: () => (this.nowNs - baseNs) / 1e6,
      serialWrite: (s) => this.serialWrite(s),
    };
  }

  _crash(kind, reason) {
    if (this.crashed) return;
    const core = this.mcu.core;
    this.crashed = { kind, reason, ns: this.clock.nanos, pc: (core.PC >>> 0).toString(16), lr: (core.registers[14] >>> 0).toString(16) };
  }

  _onBreak(code) {
    const core = this.mcu.core;
    const r = core.registers;
    const idx = code - BKPT_ROM;
    if (idx >= 0 && idx < ROM_HOOKS.length) {
      const f = this.mcu.flash;
      if (ROM_HOOKS[idx] === 'RE') {
        f.fill(0xff, r[0] >>> 0, (r[0] >>> 0) + (r[1] >>> 0));
        this.flashOps.erase++;
      } else if (ROM_HOOKS[idx] === 'RP') {
        const addr = r[0] >>> 0, data = r[1] >>> 0, count = r[2] >>> 0;
        for (let i = 0; i < count; i++) f[addr + i] &= this.mcu.readUint8(data + i);
        this.flashOps.program++;
        this.flashOps.bytes += count;
      }
      core.PC = r[14] & ~1; // return to the caller
      return;
    }
    const at = (core.PC - 2) >>> 0;
    const h = code === BKPT_HOOK && this.hooks.get(at);
    if (h) {
      for (const fn of h.fns) fn(this);
      // run the instruction the hook replaced, then put the hook back (no interrupt taken between)
      const off = at - FLASH_BASE;
      const f = this.mcu.flash;
      f[off] = h.original & 0xff;
      f[off + 1] = h.original >> 8;
      core.PC = at;
      const pending = core.interruptsUpdated;
      core.interruptsUpdated = false;
      core.executeInstruction();
      core.interruptsUpdated = core.interruptsUpdated || pending;
      f[off] = BKPT_HOOK;
      f[off + 1] = 0xbe;
      return;
    }
    // Any other breakpoint: the SDK's hard fault handler and panic()/exit() stop on a BKPT.
    this._crash(core.IPSR === 3 ? 'hard fault' : 'panic', `BKPT #${code} at PC=0x${at.toString(16)}${core.IPSR ? ` in exception ${core.IPSR}` : ''}`);
    this.crashed.pc = at.toString(16);
  }

  /** Calls fn(board) each time the core reaches `address` (a Thumb function's entry in flash). */
  hook(address, fn) {
    const at = address & ~1;
    if (at < FLASH_BASE || at >= FLASH_BASE + this.mcu.flash.length) throw new RangeError(`hook: address 0x${at.toString(16)} is not in flash`);
    const had = this.hooks.get(at);
    if (had) {
      had.fns.push(fn);
      return;
    }
    const off = at - FLASH_BASE;
    const f = this.mcu.flash;
    const original = f[off] | (f[off + 1] << 8);
    if (original >> 11 === 0b11110 || original >> 11 === 0b11101 || original >> 11 === 0b11111) {
      throw new Error(`hook: the instruction at 0x${at.toString(16)} is 32 bits wide; hook a 16-bit one`);
    }
    this.hooks.set(at, { original, fns: [fn] });
    f[off] = BKPT_HOOK;
    f[off + 1] = 0xbe;
  }

  /** Executes until emulated time endNs (or a crash). */
  _runSync(endNs, maxInstr = 2_000_000) {
    const { mcu, clock } = this;
    const core = mcu.core;
    let n = 0;
    while (clock.nanosCounter < endNs && !this.crashed && n < maxInstr) {
      if (core.waiting) {
        const remaining = endNs - clock.nanosCounter;
        const na = clock.nextAlarm;
        clock.tick(na ? Math.max(0, Math.min(na.nanos - clock.nanosCounter, remaining)) : remaining);
        n += 8;
      } else {
        clock.nanosCounter += core.executeInstruction() * CYCLE_NS;
        const na = clock.nextAlarm;
        if (na && na.nanos <= clock.nanosCounter) clock.tick(0);
        n++;
      }
    }
    this.instructions += n;
    // a core that spins on `b .` outside any wait is stuck for good (a lockup or a panic loop)
    if (!this.crashed && !core.waiting && mcu.readUint16(core.PC & ~1) === B_SELF) {
      if (this._spinAt === core.PC) this._crash('lockup', `the core spins on itself at PC=0x${(core.PC >>> 0).toString(16)}${core.IPSR ? ` in exception ${core.IPSR}` : ''}`);
      this._spinAt = core.PC;
    } else this._spinAt = -1;
  }

  _pumpTx() {
    const fifo = this.cdc.txFIFO;
    while (this.txQueue.length && !fifo.full) {
      const head = this.txQueue[0];
      fifo.push(head[this.txOff++]);
      if (this.txOff >= head.length) {
        this.txQueue.shift();
        this.txOff = 0;
      }
    }
  }

  get txIdle() {
    return !this.txQueue.length && this.cdc.txFIFO.empty;
  }

  /** Runs emulated time until pred() (true) or maxMs (false) or a crash (false); yields to Node between slices. */
  async runUntil(pred, { maxMs = Infinity, sliceNs = 2e6 } = {}) {
    const endNs = maxMs === Infinity ? Infinity : this.clock.nanos + maxMs * 1e6;
    let lastYield = Date.now();
    for (;;) {
      if (this.crashed) return false;
      if (pred && pred()) return true;
      if (this.clock.nanos >= endNs) return false;
      if (Date.now() - this.wallStart > this.opts.wallTimeoutMs) {
        throw new Error(`wall-clock timeout (${Math.round(this.opts.wallTimeoutMs / 1000)} s) at emulated ${this.nowMs.toFixed(1)} ms`);
      }
      this._pumpTx();
      this._runSync(Math.min(endNs, this.clock.nanos + sliceNs));
      this._pumpTx();
      if (Date.now() - lastYield > 15) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  }

  runFor(ms) {
    return this.runUntil(null, { maxMs: ms });
  }

  serialWrite(data) {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (buf.length) this.txQueue.push(buf);
    this._pumpTx();
  }

  onOutput(cb) {
    this.outputListeners.push(cb);
  }

  /** Emulated ns at which output offset `off` had arrived. */
  timeAt(off) {
    let lo = 0, hi = this.chunkTimes.length - 1, t = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.chunkTimes[mid][0] <= off) {
        t = this.chunkTimes[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return t;
  }

  // ---------------------------------------------------------------- GPIO
  /** Drives an input from outside (level 0/1), or releases it (null). */
  setPin(pin, level) {
    const p = this.mcu.gpio[pin];
    if (level == null) {
      this.driven.delete(pin);
      return;
    }
    const v = !!level;
    this.driven.set(pin, v);
    if (p.rawInputValue !== v) {
      p.setInputValue(v);
      const ev = { ns: this.clock.nanos, pin, level: v ? 1 : 0, dir: 'in' };
      for (const l of this.pinListeners) l(ev);
    }
  }

  /** setPin at an absolute emulated time (ns). */
  schedulePin(atNs, pin, level) {
    const alarm = this.clock.createAlarm(() => this.setPin(pin, level));
    alarm.schedule(Math.max(0, atNs - this.clock.nanos));
    return alarm;
  }

  /** A jumper wire: input `to` follows output `from` (PWM included). */
  wire(from, to) {
    this.onPinChange((ev) => {
      if (ev.dir === 'out' && ev.pin === from) this.setPin(to, ev.level);
    });
  }

  /** Output level of a pin as the firmware drives it: 0/1, or null when it is not an output. */
  getPin(pin) {
    const v = this.mcu.gpio[pin].value;
    return v === 0 ? 0 : v === 1 ? 1 : null;
  }

  onPinChange(cb) {
    this.pinListeners.push(cb);
  }
}
