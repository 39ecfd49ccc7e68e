// Runs a program on Espruino's own RP2040 port (BOARD=RP2040_PICO) booted in the rp2040js
// emulator: the runner and firmware of ../shared/espruino-rp2040 beside the clone (as in CI).
// Each run is its own process (a fresh chip), at most two at a time (the machine is shared).
// The program is uploaded as the Espruino IDE's "save to flash" does (.bootcde, then load()),
// so a whole bundle runs as one script; time 0 of pins and stamps is the prompt after load().
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
export const SHARED = join(root, '..', 'shared', 'espruino-rp2040');
export const RUNNER = join(SHARED, 'run-espruino-rp2040.mjs');
const FIRMWARE = join(SHARED, 'espruino_rp2040_pico.bin');
const BOOTROM = join(root, '..', 'shared', 'kaluma-emu', 'bootrom.mjs');

/** Why the chip tier cannot run here, or null when it can. */
export function chipMissing() {
  for (const f of [RUNNER, FIRMWARE, BOOTROM]) if (!existsSync(f)) return `${f} is absent (Espruino's RP2040 port and its emulator runner sit beside the clone in CI)`;
  return null;
}

const MAX_PARALLEL = 2;
let running = 0;
const waiting = [];
function limited(fn) {
  return new Promise((resolve, reject) => {
    const go = () => {
      running++;
      fn().then(resolve, reject).finally(() => {
        running--;
        if (waiting.length) waiting.shift()();
      });
    };
    if (running < MAX_PARALLEL) go();
    else waiting.push(go);
  });
}

/**
 * Runs `source` on the emulated Pico until `until` is printed or `ms` emulated ms pass.
 * pins: [{ atMs, pin, level, initial? }] driven at exact emulated times after load();
 * wires: [[outPin, inPin]] jumper wires. Resolves { code, lines: [{ ms, text }], texts, stderr }
 * (code as the runner's: 0 ok, 3 firmware crash, 4 `until` not seen, 6 an "Uncaught" error).
 */
export function onChip(source, { ms = 10000, until = 'DONE', pins = [], wires = [], wallSeconds = 400 } = {}) {
  return limited(() => new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-espruino-rp2040-'));
    const file = join(dir, 'program.js');
    writeFileSync(file, source);
    const args = [RUNNER, file, '--upload', 'file', '--ms', String(ms), '--timestamps', '--wall-timeout', String(wallSeconds)];
    if (until) args.push('--until', until);
    if (pins.length) {
      writeFileSync(join(dir, 'pins.json'), JSON.stringify(pins));
      args.push('--pin-script', join(dir, 'pins.json'));
    }
    if (wires.length) args.push('--wire', wires.map((w) => w.join(':')).join(','));
    execFile(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ESPRUINO_EMU_DEPS: root }, maxBuffer: 1 << 26, timeout: (wallSeconds + 30) * 1000 },
      (err, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const lines = [];
        for (const l of stdout.split('\n')) {
          const m = /^\[\s*(-?[\d.]+) ms\] (.*)$/.exec(l);
          if (m) lines.push({ ms: Number(m[1]), text: m[2] });
        }
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, lines, texts: lines.map((l) => l.text), stderr });
      });
  }));
}

/** Put before a program written for the Linux build: a board has no quit(), the run ends at DONE. */
export const NO_QUIT = "if (typeof quit === 'undefined') global.quit = function () {};\n";
