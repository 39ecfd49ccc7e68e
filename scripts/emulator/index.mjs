// The project's own emulator: a board program on the real firmware in the rp2040js emulator
// (an RP2040 at 125 MHz, cycle-approximate, no flash wait states), from the files a user has.
//
// emulate({ target, firmware, bootrom, code, upload, wires, pins, script, until, ms, startOn, onLine })
//   target   'kaluma' (default) | 'espruino'
//   firmware path (or bytes) of the firmware: .uf2 (as published), .bin (from 0x10000000) or .elf;
//            default $KALUMA_FIRMWARE / $ESPRUINO_FIRMWARE, else what fetchFirmware() cached
//   bootrom  path (or bytes) of the RP2040 B1 bootrom: the raw 16 KB image, or its .elf;
//            default $RP2040_BOOTROM, else the cached one (never shipped: see fetch.mjs)
//   code     the program's text
//   upload   'flash' (default: stored where the firmware keeps programs, then `.load` / load();
//            Espruino: as .bootcde with its packet protocol, as one script),
//            'serial' (Kaluma: YMODEM after `.flash -w`, byte for byte as @kaluma/cli writes;
//            Espruino: the lines as the Espruino IDE sends them to RAM),
//            'boot' (Kaluma only: in flash before power-on; times count from power-on)
//   wires    [[outPin, inPin]]: jumper wires (input follows output, PWM included), from power-on
//   pins     [{ at, pin, value }]: drive an input at `at` ms (pins a script drives start at the
//            opposite of their first value, or `initial`)
//   script   async (ctl) => {}: ctl.setPin(pin, v), ctl.getPin(pin), ctl.at(ms, fn),
//            ctl.onPinChange(cb), ctl.nowMs(), ctl.serialWrite(text)
//   until    string | RegExp: stop once a printed line matches (exitCode 4 when never)
//   ms       emulated ms to run after the start (default 2000)
//   startOn  string | RegExp: time 0 of `pins`/`script` is when a line matching it is printed
//   onLine({ ms, text }) each complete line as it arrives
//   heap     true: result.heap = process.memoryUsage() on the board once the run is over (Kaluma)
//   timeBase 'start' (default) | 'ready': count ms and pins from when the top level returned
//   tracePins [pins]: their changes come back in pinLog [{ us, pin, dir, level }]
//   wallTimeoutMs  give up (exitCode 5) after this much wall time (default 300000)
//   isrProbe true (Kaluma, with the firmware's .elf symbols): result.isr says, per pin, what the
//            attachInterrupt handlers did to the engine: references taken, allocations, interrupts
//            inside a collection (kaluma-isr.mjs; the interrupt rule of docs/platform.md)
//   isrMarkEdge  a pin (or pins) the probe raises (for 20 us) as each collection starts marking
// -> { lines: [{ ms, text }] (complete lines), tail (a line cut off by the end of the run, also
//      said in notes), output, errors: [{ kind, where?, text, ms, stack }],
//      misreported: [{ text, ms, why }], crashed: null | { kind, reason, ms, pc, lr, where? },
//      heap?, exitCode, untilSeen, notes, stats, pinLog, isr? }
//   ms count from the program's start (Kaluma: when `.load` ran it; Espruino: when load() ran it;
//   'boot': power-on), so a 1000 ms timer set at the top level prints at about 1000 ms.
//   errors: kind 'uncaught' (where 'top level' | 'callback': a timer, setWatch, interrupt) and
//   'unhandled rejection'; misreported: what the firmware printed as "Uncaught (in promise)"
//   though the program catches it (try/await/catch on Kaluma 1.2.1; see kaluma-errors.mjs).
//   exitCode: 0 ok, 1 the program threw (an error above), 3 firmware crash (hard fault, panic,
//   lockup, watchdog), 4 `until` not seen, 5 harness error (upload failed, wall-clock timeout).
//
// fetchFirmware({ target, dest, baseUrl }) -> { firmware, bootrom, dir }   (fetch.mjs)
// startBridge({ target, firmware, bootrom, link, pace }) -> { path, close(), output(), waitFor(), ... }
//   the emulated board behind a pseudo-terminal (bridge.mjs; needs python3 for the pty)
// uploadToEspruino({ port, code, mode: 'flash'|'ram' }) -> { mode, bytes, crc: { sent, board } | null, ms }
//   through a real serial port, as Espruino's tools send it, CRC-32-confirmed (espruino-upload.mjs;
//   needs the serialport package)
// The CLIs: node scripts/emulator/cli.mjs (one run), node scripts/emulator/bridge.mjs (a bridge).
// findFirmwareFiles({ target }) -> { firmware, bootrom } | null: the defaults emulate() uses
// Lower layers: Board (rp2040.mjs), KalumaBoard (kaluma.mjs), readFirmware/readBootrom (images.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runKaluma } from './run-kaluma.mjs';
import { cacheDir, FILES } from './fetch.mjs';

export { fetchFirmware, cacheDir } from './fetch.mjs';
export { readBootrom, readFirmware, elfSymbols } from './images.mjs';
export { Board } from './rp2040.mjs';
export { KalumaBoard } from './kaluma.mjs';

const TARGETS = ['kaluma', 'espruino'];

/** Firmware and bootrom emulate() takes when none are given: environment, then the cache. */
export function findFirmwareFiles({ target = 'kaluma' } = {}) {
  const env = target === 'kaluma' ? process.env.KALUMA_FIRMWARE : process.env.ESPRUINO_FIRMWARE;
  const dir = cacheDir();
  const firmware = env || join(dir, FILES[target].firmware);
  const bootrom = process.env.RP2040_BOOTROM || join(dir, FILES.bootrom);
  return existsSync(firmware) && existsSync(bootrom) ? { firmware, bootrom } : null;
}

function defaults(o) {
  const target = o.target ?? 'kaluma';
  if (!TARGETS.includes(target)) throw new RangeError(`emulate: target must be 'kaluma' or 'espruino', not ${JSON.stringify(target)}`);
  let { firmware, bootrom } = o;
  if (firmware == null || bootrom == null) {
    const found = findFirmwareFiles({ target });
    const what = firmware == null ? 'firmware' : 'bootrom';
    if (!found) {
      throw new Error(`emulate: no ${what} given and none found: pass ${what}: PATH, set ${what === 'firmware' ? (target === 'kaluma' ? 'KALUMA_FIRMWARE' : 'ESPRUINO_FIRMWARE') : 'RP2040_BOOTROM'}, or run \`threadsafe fetch-firmware\` (it caches them in ${cacheDir()})`);
    }
    firmware ??= found.firmware;
    bootrom ??= found.bootrom;
  }
  return { ...o, target, firmware, bootrom };
}

/** Runs a program on the emulated board (see the header). Never rejects for the program's failure; rejects for bad options. */
export async function emulate(o = {}) {
  const opts = defaults(o);
  if (opts.target === 'kaluma') return runKaluma(opts);
  const { runEspruino } = await import('./run-espruino.mjs');
  return runEspruino(opts);
}

export async function startBridge(o = {}) {
  const { startBridge: start } = await import('./bridge.mjs');
  return start(defaults(o));
}

export async function uploadToEspruino(o) {
  const { uploadToEspruino: up } = await import('./espruino-upload.mjs');
  return up(o);
}
