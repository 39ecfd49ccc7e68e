// One run of a program on the emulated Kaluma firmware: boot, upload, start, drive the pins, read
// back the lines, account the errors. emulate() in index.mjs is the documented entry point.
import { existsSync } from 'node:fs';
import { elfSymbols, readBootrom, readFirmware } from './images.mjs';
import { KalumaBoard } from './kaluma.mjs';
import { accountErrors, findPromiseFunctions, RejectionTracker } from './kaluma-errors.mjs';
import { IsrProbe } from './kaluma-isr.mjs';
import { matcher } from './rp2040.mjs';

const UPLOADS = ['flash', 'serial', 'boot'];

/** Pins a script drives start at the opposite of their first level (or `initial`). */
function initialLevels(pins) {
  const initial = new Map();
  for (const e of pins) if (!initial.has(e.pin)) initial.set(e.pin, e.initial ?? (e.value ? 0 : 1));
  return initial;
}

function checkOptions(o) {
  if (typeof o.code !== 'string') throw new TypeError('emulate: code must be the program text (a string)');
  if (!UPLOADS.includes(o.upload)) throw new RangeError(`emulate: upload must be 'flash', 'serial' or 'boot', not ${JSON.stringify(o.upload)}`);
  if (!(o.ms > 0)) throw new RangeError(`emulate: ms must be a number of emulated milliseconds > 0, not ${JSON.stringify(o.ms)}`);
  for (const w of o.wires) {
    if (!Array.isArray(w) || w.length !== 2 || !w.every((p) => Number.isInteger(p) && p >= 0 && p < 30)) {
      throw new TypeError(`emulate: wires must be [outPin, inPin] pairs of GPIO numbers 0-29, not ${JSON.stringify(w)}`);
    }
  }
  for (const p of o.pins) {
    if (!p || !Number.isInteger(p.pin) || p.pin < 0 || p.pin > 29 || !(p.at >= 0) || (p.value !== 0 && p.value !== 1 && p.value !== true && p.value !== false)) {
      throw new TypeError(`emulate: pins must be { at (ms >= 0), pin (0-29), value (0 or 1) }, not ${JSON.stringify(p)}`);
    }
  }
  if (o.script != null && typeof o.script !== 'function') throw new TypeError('emulate: script must be a function (it gets the pin controls)');
  if (o.until != null && typeof o.until !== 'string' && !(o.until instanceof RegExp)) throw new TypeError('emulate: until must be a string or a RegExp');
  if (o.startOn != null && typeof o.startOn !== 'string' && !(o.startOn instanceof RegExp)) throw new TypeError('emulate: startOn must be a string or a RegExp');
  if (o.isrMarkEdge != null && ![].concat(o.isrMarkEdge).every((p) => Number.isInteger(p) && p >= 0 && p < 30)) {
    throw new RangeError(`emulate: isrMarkEdge must be a GPIO number 0-29 or an array of them, not ${JSON.stringify(o.isrMarkEdge)}`);
  }
}


/**
 * Options as emulate() (index.mjs), with firmware/bootrom as paths or bytes, plus:
 * timeBase 'start' (default: ms count from the program's start, i.e. `.load`) or 'ready' (from
 * when its top level returned, or the startOn line: what scripts/firmware.mjs has always used),
 * tracePins [pins] (their changes in pinLog), wallTimeoutMs, readyMaxMs, heap (true: the
 * result's heap is process.memoryUsage() on the board after the run: { heapTotal, heapUsed, ... }),
 * isrProbe (true: the result's isr says what the attachInterrupt handlers did to the engine, per
 * pin: kaluma-isr.mjs; { unavailable: why } without the firmware's symbols), isrMarkEdge (a pin or pins the
 * probe raises when each collection starts marking: kaluma-isr.mjs's markEdge).
 */
export async function runKaluma(opts) {
  const o = { upload: 'flash', ms: 2000, wires: [], pins: [], timeBase: 'start', tracePins: [], wallTimeoutMs: 300000, ...opts };
  checkOptions(o);
  const w0 = Date.now();
  const fw = o.firmwareImage || readFirmware(o.firmware);
  const bootrom = o.bootromWords || readBootrom(o.bootrom);
  const board = new KalumaBoard({ flash: fw.flash, bootrom, wallTimeoutMs: o.wallTimeoutMs, program: o.upload === 'boot' ? o.code : undefined });
  // symbols: the .elf itself, or an .elf of the same name beside a .uf2/.bin (crash reports name
  // the function; the promise hooks use them before the signatures)
  let symbols = fw.symbols || null;
  if (!symbols && typeof o.firmware === 'string') {
    const elf = o.firmware.replace(/\.(uf2|bin)$/i, '.elf');
    if (elf !== o.firmware && existsSync(elf)) symbols = elfSymbols(elf);
  }
  fw.symbols = symbols;
  const fns = findPromiseFunctions(board.mcu.flash, symbols);
  const tracker = fns ? new RejectionTracker(board, fns) : null;
  // isrProbe: what the attachInterrupt handlers do to the engine (kaluma-isr.mjs)
  const probeWhyNot = o.isrProbe || o.isrMarkEdge != null ? IsrProbe.unavailable(symbols) : null;
  const probe = (o.isrProbe || o.isrMarkEdge != null) && !probeWhyNot ? new IsrProbe(board, symbols, { markEdge: o.isrMarkEdge }) : null;

  const stats = { firmwareFormat: fw.format };
  const pinLog = [];
  const traced = new Set([...o.tracePins, ...o.pins.map((p) => p.pin)]);
  board.onPinChange((ev) => {
    if (traced.has(ev.pin)) pinLog.push(ev);
  });
  for (const [pin, level] of initialLevels(o.pins)) board.setPin(pin, level);
  for (const [a, b] of o.wires) board.wire(a, b);

  let startNs = 0; // the program's start
  let baseNs = 0; // time 0 of pins (and of stamps with timeBase 'ready')
  let harness = null;
  let pinsScheduled = false;
  const schedulePins = (at0) => {
    pinsScheduled = true;
    for (const p of o.pins) board.schedulePin(at0 + p.at * 1e6, p.pin, p.value ? 1 : 0);
  };
  let found = false;
  const until = matcher(o.until);
  const stampNs = () => (o.timeBase === 'ready' ? baseNs : startNs);
  // complete lines as they arrive (checked once per 2 ms slice, from where the last look stopped)
  const cursor = { off: 0 };
  const drain = () => {
    for (const l of board.lines({ partial: false, cursor })) {
      if (o.onLine) o.onLine({ ms: (l.ns - stampNs()) / 1e6, text: l.text });
      if (until && !found && until(l.text)) found = true;
    }
    return found;
  };
  try {
    if (o.upload === 'boot') {
      stats.upload = { method: 'boot', bytes: Buffer.byteLength(o.code) };
      // the firmware runs the stored program as it boots; times count from power-on
    } else {
      stats.bootEmulatedMs = await board.boot();
      stats.bootWallMs = Date.now() - w0;
      stats.upload = await board.upload(o.code, o.upload);
      // pins count from the start (timeBase 'start') and may fall inside the top level
      const early = o.timeBase === 'start' && o.startOn == null;
      await board.start({ readyMaxMs: Math.min(o.readyMaxMs ?? 2000, o.ms), onLoad: early ? (ns) => schedulePins((startNs = baseNs = ns)) : null });
      startNs = board.loadNs;
      baseNs = o.timeBase === 'start' ? board.loadNs : board.readyNs;
      stats.topLevelEmulatedMs = (board.readyNs - board.loadNs) / 1e6;
    }
    if (o.startOn != null) {
      const on = matcher(o.startOn);
      const startCursor = { off: 0 };
      const ok = await board.runUntil(() => board.lines({ partial: false, cursor: startCursor }).some((l) => on(l.text)), { maxMs: o.ms });
      if (!ok && !board.crashed) throw new Error(`startOn ${o.startOn} was not printed within ${o.ms} emulated ms`);
      baseNs = board.nowNs;
    }
    if (!pinsScheduled) schedulePins(baseNs);
    if (o.script) {
      await o.script(board.scriptControl(baseNs));
    }
    const w1 = Date.now();
    const t1 = board.nowNs;
    await board.runUntil(drain, { maxMs: o.ms });
    drain();
    stats.runEmulatedMs = (board.nowNs - t1) / 1e6;
    stats.runWallMs = Date.now() - w1;
    stats.emulatedMsPerWallS = stats.runWallMs ? Math.round(stats.runEmulatedMs / (stats.runWallMs / 1000)) : null;
  } catch (e) {
    if (!board.crashed) harness = e.message;
  }
  const base = stampNs();
  // complete lines only: a line the run stopped in the middle of is `tail` (and said in notes),
  // not a printed line (a test parsing "key value" lines would read it with its end missing);
  // it still counts for the error accounting (an error cut off is still an error)
  const lines = board.lines().map((l) => ({ ms: (l.ns - base) / 1e6, text: l.text, red: l.red }));
  const complete = board.lines({ partial: false }).length;
  const cut = lines.length > complete ? lines[lines.length - 1] : null;
  const topLevelEndMs = o.upload === 'boot' ? -Infinity : (board.readyNs - base) / 1e6;
  const { errors, misreported, notes } = accountErrors(lines, { tracker, topLevelEndMs });
  if (cut) notes.push(`the run ${board.crashed ? 'crashed' : 'ended'} while the board was printing a line, left out of lines (it is tail): ${JSON.stringify(cut.text)}`);
  // heap: true -> process.memoryUsage() typed at the REPL once the run is over (after the lines
  // above were taken, so it is not among them)
  let heap;
  if (o.heap && !board.crashed && !harness) {
    try {
      const text = await board.command("console.log('THREADSAFE_HEAP ' + JSON.stringify(process.memoryUsage()))", { maxMs: 2000 });
      const m = /THREADSAFE_HEAP (\{.*\})/.exec(text);
      heap = m ? JSON.parse(m[1]) : undefined;
    } catch (e) {
      notes.push(`heap: the REPL did not answer process.memoryUsage() (${e.message})`);
    }
  }
  const crashed = board.crashed ? { ...board.crashed, ms: (board.crashed.ns - base) / 1e6, where: symbolName(fw.symbols, board.crashed.pc) } : null;
  const exitCode = crashed ? 3 : harness ? 5 : errors.length ? 1 : until && !found ? 4 : 0;
  stats.totalWallMs = Date.now() - w0;
  stats.flashOps = board.flashOps;
  return {
    lines: lines.slice(0, complete).map(({ ms, text }) => ({ ms, text })),
    tail: lines.slice(complete).map((l) => l.text).join('') || undefined,
    output: lines.slice(0, complete).map((l) => l.text).join('\n') + (complete ? '\n' : ''),
    errors,
    misreported,
    crashed,
    heap,
    exitCode,
    untilSeen: until ? found : undefined,
    harnessError: harness,
    notes,
    stats,
    pinLog: pinLog.map((e) => ({ us: (e.ns - base) / 1e3, pin: e.pin, dir: e.dir, level: e.level })),
    isr: o.isrProbe || o.isrMarkEdge != null ? (probe ? probe.result() : { unavailable: probeWhyNot }) : undefined,
  };
}

/** The function containing address `hex` (with symbols), e.g. 'ecma_gc_run+0x1a'. */
function symbolName(symbols, hex) {
  if (!symbols || !hex) return undefined;
  const pc = parseInt(hex, 16);
  let best = null;
  for (const [name, at] of symbols) if (at <= pc && (!best || at > best[1])) best = [name, at];
  return best && pc - best[1] < 0x10000 ? `${best[0]}+0x${(pc - best[1]).toString(16)}` : undefined;
}
