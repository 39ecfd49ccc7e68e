// The Kaluma 1.2.1 firmware in the project's own emulator (scripts/emulator, on rp2040js): where
// its files are, and running a program on it. Used by the firmware test tier (host-tests/firmware),
// the firmware benchmarks, and the scripts that run programs on the emulated board. Every caller
// must cope with `null` from findFirmware() and say why it did not run.
//
//   const fw = findFirmware();            // { runner, firmware, bootrom } or null; whyMissing() says why
//   const r = await runOnFirmware('dist/board/event.js', { ms: 3000 });
//   r.code (0 ok, 3 crash, 4 --until not seen, 5 harness; 6 with failOnError and an uncaught error)
//   r.lines: [{ ms, text }] (each printed line with the emulated ms it was complete at, counted
//   from when the program's top level returned, or from the startOn line: the time base pins use;
//   timeBase: 'start' counts both from the program's start instead)
//   r.result: the whole result of emulate() (errors, misreported, crashed, stats, ...)
//
// Where the files come from: `firmware` or KALUMA_FIRMWARE (a .uf2, .bin or .elf), else
// ../shared/kaluma-emu (KALUMA_EMU_DIR) beside a repository checkout, as in CI, else the files a
// user put in the folder the command runs in (or its firmware/ folder) under their release
// names, else the cache that `threadsafe fetch-firmware` fills; the bootrom: RP2040_BOOTROM,
// else the same places. Works from the repository and from an installed threadsafe-toolchain
// (`import { runOnFirmware } from 'threadsafe-toolchain/firmware'`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, FILES } from './emulator/fetch.mjs';
import { USER_NAMES } from './lib/firmware-files.mjs';
import { REPO_ROOT, userCwd } from './lib/root.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository checkout this runs from; installed from the package, the toolchain's own folder. */
export const ROOT = REPO_ROOT || HERE;
const EMU_DIR = process.env.KALUMA_EMU_DIR || (REPO_ROOT ? join(REPO_ROOT, '..', 'shared', 'kaluma-emu') : null);
const RUNNER = join(HERE, 'emulator', 'cli.mjs');

const userFiles = (names) => [userCwd(), join(userCwd(), 'firmware')].flatMap((d) => names.map((n) => join(d, n)));
function firmwareCandidates(firmware) {
  if (firmware) return [resolve(userCwd(), firmware)];
  return [...(EMU_DIR ? [join(EMU_DIR, 'kaluma-rp2-pico-1.2.1.bin')] : []), ...userFiles(USER_NAMES.kaluma), join(cacheDir(), FILES.kaluma.firmware)];
}
function bootromCandidates(bootrom = process.env.RP2040_BOOTROM) {
  if (bootrom) return [resolve(userCwd(), bootrom)];
  return [...(EMU_DIR ? [join(EMU_DIR, 'bootrom-b1.bin')] : []), ...userFiles(USER_NAMES.bootrom), join(cacheDir(), FILES.bootrom)];
}

/**
 * The emulator and the firmware files, or null. `firmware` (a path) or KALUMA_FIRMWARE names
 * another Kaluma image.
 */
export function findFirmware(firmware = process.env.KALUMA_FIRMWARE, bootromFile = process.env.RP2040_BOOTROM) {
  const bin = firmwareCandidates(firmware).find((f) => existsSync(f));
  const bootrom = bootromCandidates(bootromFile).find((f) => existsSync(f));
  if (!bin || !bootrom) return null;
  return { runner: RUNNER, firmware: bin, bootrom, dir: dirname(bin) };
}

/** Why findFirmware() returned null, in one line for a skip message. */
export function whyMissing(firmware = process.env.KALUMA_FIRMWARE, bootrom = process.env.RP2040_BOOTROM) {
  const missing = [];
  if (!firmwareCandidates(firmware).some((f) => existsSync(f))) missing.push(`the Kaluma firmware (${firmwareCandidates(firmware).join(' or ')})`);
  if (!bootromCandidates(bootrom).some((f) => existsSync(f))) missing.push(`the RP2040 bootrom (${bootromCandidates(bootrom).join(' or ')})`);
  return `the emulated Kaluma firmware is not here (${missing.join(' and ')} absent: they come with ../shared beside the project, as in CI, from the Kaluma and pico-bootrom releases, or from \`threadsafe fetch-firmware\`)`;
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
 * ('flash' default, 'ymodem' (= 'serial'), 'boot'), wallTimeoutS, firmware, echo (print the
 * output live), failOnError (exit 6 when the program threw uncaught), bootrom (a path; else
 * RP2040_BOOTROM or the places above), timeBase ('ready' default: ms and pins count from when the
 * top level returned, or from the startOn line; 'start': from the program's start, `.load`, as
 * emulate() counts, so a 1000 ms timer prints at about 1000 ms), isrProbe (true: res.isr is what
 * the attachInterrupt handlers did to the engine, scripts/emulator/kaluma-isr.mjs), isrMarkEdge (a pin or
 * pins the probe raises as each collection starts marking: kaluma-isr.mjs's markEdge). Resolves { code, stdout, stderr, lines, stats, crash, isr }; never rejects for a
 * program's failure (the caller asserts), rejects when the firmware is absent.
 */
export async function runOnFirmware(program, o = {}) {
  const fw = findFirmware(o.firmware, o.bootrom);
  if (!fw) throw new Error(whyMissing(o.firmware, o.bootrom));
  const tmp = mkdtempSync(join(tmpdir(), 'threadsafe-fw-'));
  let file = typeof program === 'string' ? resolve(program) : null;
  if (file === null) {
    file = join(tmp, 'program.js');
    writeFileSync(file, program.code);
  }
  const json = join(tmp, 'result.json');
  const args = [fw.runner, file, '--ms', String(o.ms ?? 2000), '--timestamps', '--upload', o.upload || 'flash', '--firmware', fw.firmware, '--bootrom', fw.bootrom, '--stats', '--time-base', o.timeBase === 'start' ? 'start' : 'ready', '--json', json];
  if (o.failOnError) args.push('--fail-on-error');
  if (o.isrProbe) args.push('--isr-probe');
  if (o.isrMarkEdge != null && [].concat(o.isrMarkEdge).length) args.push('--isr-mark-edge', [].concat(o.isrMarkEdge).join(','));
  if (o.until) args.push('--until', o.until);
  if (o.startOn) args.push('--start-on', o.startOn);
  if (o.wire) args.push('--wire', o.wire);
  if (o.wallTimeoutS) args.push('--wall-timeout', String(o.wallTimeoutS));
  if (o.tracePins) {
    args.push('--trace-pins', o.tracePins.join(','), '--pin-log', join(tmp, 'pin.log'));
  }
  if (o.pins && o.pins.length) {
    const pins = join(tmp, 'pins.json');
    writeFileSync(pins, JSON.stringify(o.pins));
    args.push('--pin-script', pins);
  }
  await acquire();
  try {
    const res = await new Promise((done, fail) => {
      const child = spawn(process.execPath, args, { cwd: userCwd(), stdio: ['ignore', 'pipe', 'pipe'] });
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
    const m = /\[emulator\] stats (\{.*\})/.exec(res.stderr);
    res.stats = m ? JSON.parse(m[1]) : null;
    const isr = /\[emulator\] isr (\{.*\})/.exec(res.stderr);
    res.isr = isr ? JSON.parse(isr[1]) : null;
    const c = /FIRMWARE CRASH: (.*)/.exec(res.stderr);
    res.crash = c ? c[1] : null;
    res.result = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : null;
    if (res.code === 1 && !o.failOnError) res.code = 0;
    if (res.code === 1) res.code = 6;
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
    rmSync(tmp, { recursive: true, force: true });
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
