// One run of a program on the emulated Espruino Pico (emulate({ target: 'espruino' }) in index.mjs).
// Espruino prints every uncaught error as "Uncaught Name: message", then where ("    at ..."),
// the code and a caret; an unhandled rejection as "Uncaught Error: Unhandled promise rejection:
// ...". Its own console FIFO overflowing under load ("New interpreter error: FIFO_FULL") is
// Espruino's, not the program's: it goes to `notes`.
import { readBootrom, readFirmware } from './images.mjs';
import { EspruinoBoard } from './espruino.mjs';
import { matcher } from './rp2040.mjs';


export function accountEspruinoErrors(lines, topLevelEndMs = Infinity) {
  const errors = [];
  const notes = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^New interpreter error: /.test(l.text) || /^Interpreter error: /.test(l.text)) {
      notes.push(`Espruino reported at ${l.ms.toFixed(1)} ms: ${l.text}`);
      continue;
    }
    if (!l.text.startsWith('Uncaught ')) continue;
    const e = { kind: /Unhandled promise rejection/.test(l.text) ? 'unhandled rejection' : 'uncaught', text: l.text, ms: l.ms, stack: [] };
    if (e.kind === 'uncaught') e.where = l.ms <= topLevelEndMs ? 'top level' : 'callback';
    // "    at ...", then the code line and its caret
    if (lines[i + 1] && /^\s+at /.test(lines[i + 1].text)) {
      let j = i + 1;
      while (j < lines.length && j <= i + 4) {
        e.stack.push(lines[j].text.trim());
        if (/^\s*\^\s*$/.test(lines[j].text)) break;
        j++;
      }
      i = j;
    }
    errors.push(e);
  }
  return { errors, notes };
}

export async function runEspruino(opts) {
  const o = { upload: 'flash', ms: 2000, wires: [], pins: [], tracePins: [], timeBase: 'start', wallTimeoutMs: 300000, ...opts };
  if (typeof o.code !== 'string') throw new TypeError('emulate: code must be the program text (a string)');
  if (o.upload !== 'flash' && o.upload !== 'serial') throw new RangeError(`emulate: upload must be 'flash' (as a file, with the packet protocol) or 'serial' (the lines, as the Espruino IDE sends them) for Espruino, not ${JSON.stringify(o.upload)}`);
  if (!(o.ms > 0)) throw new RangeError(`emulate: ms must be a number of emulated milliseconds > 0, not ${JSON.stringify(o.ms)}`);
  for (const w of o.wires) if (!Array.isArray(w) || w.length !== 2) throw new TypeError(`emulate: wires must be [outPin, inPin] pairs, not ${JSON.stringify(w)}`);
  for (const p of o.pins) if (!p || !Number.isInteger(p.pin) || !(p.at >= 0)) throw new TypeError(`emulate: pins must be { at (ms >= 0), pin (0-29), value (0 or 1) }, not ${JSON.stringify(p)}`);
  const w0 = Date.now();
  const fw = readFirmware(o.firmware);
  const board = new EspruinoBoard({ flash: fw.flash, bootrom: readBootrom(o.bootrom), wallTimeoutMs: o.wallTimeoutMs });
  const stats = { firmwareFormat: fw.format };
  const pinLog = [];
  const traced = new Set([...o.tracePins, ...o.pins.map((p) => p.pin)]);
  board.onPinChange((ev) => traced.has(ev.pin) && pinLog.push(ev));
  const initial = new Map();
  for (const e of o.pins) if (!initial.has(e.pin)) initial.set(e.pin, e.initial ?? (e.value ? 0 : 1));
  for (const [pin, level] of initial) board.setPin(pin, level);
  for (const [a, b] of o.wires) board.wire(a, b);
  const until = matcher(o.until);
  let found = false;
  let harness = null;
  let baseNs = 0;
  let seen = 0;
  let seenLen = -1;
  const drain = () => {
    if (board.output.length === seenLen) return found; // nothing new (checked once per 2 ms slice)
    seenLen = board.output.length;
    const lines = board.lines({ partial: false });
    for (; seen < lines.length; seen++) {
      const l = lines[seen];
      if (o.onLine) o.onLine({ ms: (l.ns - board.startNs) / 1e6, text: l.text });
      if (until && !found && until(l.text)) found = true;
    }
    return found;
  };
  try {
    stats.bootEmulatedMs = await board.boot();
    stats.upload = await board.upload(o.code, o.upload);
    baseNs = o.timeBase === 'ready' ? board.readyNs : board.startNs;
    stats.topLevelEmulatedMs = (board.readyNs - board.startNs) / 1e6;
    if (o.startOn != null) {
      const on = matcher(o.startOn);
      if (!(await board.runUntil(() => board.lines({ partial: false }).some((l) => on(l.text)), { maxMs: o.ms })) && !board.crashed) {
        throw new Error(`startOn ${o.startOn} was not printed within ${o.ms} emulated ms`);
      }
      baseNs = board.nowNs;
    }
    // pins that fall inside the top level (already past) happen now
    for (const p of o.pins) board.schedulePin(baseNs + p.at * 1e6, p.pin, p.value ? 1 : 0);
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
  const stamp0 = o.timeBase === 'ready' ? baseNs : board.startNs;
  // complete lines only: a line cut by the end of the run is `tail` (and said in notes), as on Kaluma
  const all = board.lines().map((l) => ({ ms: (l.ns - stamp0) / 1e6, text: l.text }));
  const complete = board.lines({ partial: false }).length;
  const cut = all.length > complete ? all[all.length - 1] : null;
  const lines = all.slice(0, complete);
  const { errors, notes } = accountEspruinoErrors(all, (board.readyNs - stamp0) / 1e6);
  if (cut) notes.push(`the run ${board.crashed ? 'crashed' : 'ended'} while the board was printing a line, left out of lines (it is tail): ${JSON.stringify(cut.text)}`);
  const crashed = board.crashed ? { ...board.crashed, ms: (board.crashed.ns - stamp0) / 1e6 } : null;
  stats.totalWallMs = Date.now() - w0;
  stats.flashOps = board.flashOps;
  return {
    lines,
    tail: cut ? cut.text : undefined,
    output: lines.map((l) => l.text).join('\n') + (lines.length ? '\n' : ''),
    errors,
    misreported: [],
    crashed,
    exitCode: crashed ? 3 : harness ? 5 : errors.length ? 1 : until && !found ? 4 : 0,
    untilSeen: until ? found : undefined,
    harnessError: harness,
    notes,
    stats,
    pinLog: pinLog.map((e) => ({ us: (e.ns - stamp0) / 1e3, pin: e.pin, dir: e.dir, level: e.level })),
  };
}
