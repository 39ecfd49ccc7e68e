// The real Kaluma 1.2.1 firmware in the rp2040js emulator (../shared/kaluma-emu, beside the
// project in CI; absent from a user's clone): where to find it, and running a program on it.
// Used by the firmware test tier (host-tests/firmware), the firmware benchmarks, and the
// scripts that run programs on the emulated board. Every caller must cope with `null` from
// findFirmware() and say why it did not run.
//
//   const fw = findFirmware();            // { runner, firmware } or null; whyMissing() says why
//   const r = await runOnFirmware('dist/board/event.js', { ms: 3000 });
//   r.code (runner's exit code: 0 ok, 3 crash, 4 --until not seen, 5 harness, 6 uncaught error)
//   r.lines: [{ ms, text }] (each printed line with the emulated ms it was complete at)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EMU_LINK = process.env.KALUMA_EMU_DIR || join(ROOT, '..', 'shared', 'kaluma-emu');
// The real path: the runner starts only when its own path (import.meta.url, always resolved)
// equals the path it was started by, so a symbolic link to shared/ would make it do nothing.
const EMU_DIR = existsSync(EMU_LINK) ? realpathSync(EMU_LINK) : EMU_LINK;

/**
 * The emulator runner and firmware image, or null. `firmware` (a path) or KALUMA_FIRMWARE
 * names another Kaluma .bin; the runner always comes from ../shared/kaluma-emu (or KALUMA_EMU_DIR).
 */
export function findFirmware(firmware = process.env.KALUMA_FIRMWARE) {
  const runner = join(EMU_DIR, 'run-kaluma.mjs');
  if (!existsSync(runner)) return null;
  const bin = firmware ? resolve(firmware) : join(EMU_DIR, 'kaluma-rp2-pico-1.2.1.bin');
  if (!existsSync(bin)) return null;
  return { runner, firmware: bin, dir: EMU_DIR };
}

/** Why findFirmware() returned null, in one line for a skip message. */
export function whyMissing(firmware = process.env.KALUMA_FIRMWARE) {
  const runner = join(EMU_DIR, 'run-kaluma.mjs');
  if (!existsSync(runner)) return `the emulated Kaluma firmware is not here (${runner} is absent: it comes with ../shared beside the project, as in CI)`;
  return `the firmware image ${firmware ? resolve(firmware) : join(EMU_DIR, 'kaluma-rp2-pico-1.2.1.bin')} is absent`;
}

// At most two emulators at once: one per core of the 2-core machines this runs on.
const MAX_PARALLEL = Number(process.env.FIRMWARE_PARALLEL || 2);
let running = 0;
const queue = [];
function acquire() {
  if (running < MAX_PARALLEL) {
    running++;
    return Promise.resolve();
  }
  return new Promise((r) => queue.push(r));
}
function release() {
  const next = queue.shift();
  if (next) next();
  else running--;
}

/**
 * Runs a program (a file path, or `{ code }`) on the emulated firmware. Options: ms (emulated
 * ms to run, default 2000), until (stop once printed), startOn, wire ('16:17'), pins (array of
 * { atMs, pin, level }), tracePins (pins whose changes come back in `pinLog`), upload
 * ('flash' default, 'ymodem', 'boot'), wallTimeoutS, firmware, echo (print the output live). Resolves { code, stdout, stderr, lines, stats, crash }; never rejects for a
 * program's failure (the caller asserts), rejects when the firmware is absent.
 */
export async function runOnFirmware(program, o = {}) {
  const fw = findFirmware(o.firmware);
  if (!fw) throw new Error(whyMissing(o.firmware));
  let tmp;
  let file = typeof program === 'string' ? resolve(program) : null;
  if (file === null) {
    tmp = mkdtempSync(join(tmpdir(), 'threadsafe-fw-'));
    file = join(tmp, 'program.js');
    writeFileSync(file, program.code);
  }
  const args = [fw.runner, file, '--ms', String(o.ms ?? 2000), '--timestamps', '--upload', o.upload || 'flash', '--firmware', fw.firmware, '--stats'];
  if (o.until) args.push('--until', o.until);
  if (o.startOn) args.push('--start-on', o.startOn);
  if (o.wire) args.push('--wire', o.wire);
  if (o.wallTimeoutS) args.push('--wall-timeout', String(o.wallTimeoutS));
  if (o.tracePins) {
    tmp = tmp || mkdtempSync(join(tmpdir(), 'threadsafe-fw-'));
    args.push('--trace-pins', o.tracePins.join(','), '--pin-log', join(tmp, 'pin.log'));
  }
  if (o.pins && o.pins.length) {
    tmp = tmp || mkdtempSync(join(tmpdir(), 'threadsafe-fw-'));
    const pins = join(tmp, 'pins.json');
    writeFileSync(pins, JSON.stringify(o.pins));
    args.push('--pin-script', pins);
  }
  await acquire();
  try {
    const res = await new Promise((done, fail) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
        if (o.echo) process.stdout.write(d);
      });
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    res.lines = parseLines(res.stdout);
    const m = /\[run-kaluma\] stats (\{.*\})/.exec(res.stderr);
    res.stats = m ? JSON.parse(m[1]) : null;
    const c = /FIRMWARE CRASH: (.*)/.exec(res.stderr);
    res.crash = c ? c[1] : null;
    // With tracePins: [{ us, pin, dir, level }] of every change of the traced and driven pins.
    if (o.tracePins && existsSync(join(tmp, 'pin.log'))) {
      res.pinLog = readFileSync(join(tmp, 'pin.log'), 'utf8').split('\n').filter(Boolean).map((l) => {
        const m = /^(-?[\d.]+)us GP(\d+) (\w+) (\d)/.exec(l);
        return { us: Number(m[1]), pin: Number(m[2]), dir: m[3], level: Number(m[4]) };
      });
    }
    return res;
  } finally {
    release();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** `[  123.4 ms] text` lines → [{ ms, text }]. */
export function parseLines(stdout) {
  const out = [];
  for (const line of stdout.split('\n')) {
    const m = /^\[\s*(-?[\d.]+) ms\] ?(.*)$/.exec(line.replace(/\r$/, ''));
    if (m) out.push({ ms: Number(m[1]), text: m[2] });
    else if (line.trim() !== '') out.push({ ms: NaN, text: line });
  }
  return out;
}
