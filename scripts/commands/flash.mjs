// `threadsafe flash <demo | app.ts | app.js> --port PATH [--target kaluma|espruino] [--timeout S] [--watch S] [--until TEXT] [--ram] [--no-build] [--no-verify]`:
// builds the program and uploads it to a board through its serial port.
// - Kaluma (default): to a Raspberry Pi Pico running Kaluma with @kaluma/cli 1.0.0
//   (`kaluma write <file> -p <port>`, which writes it to flash by YMODEM and then runs it with `.load`).
// - Espruino (--target espruino): as Espruino's own tools send it (the Web IDE's "save to flash",
//   EspruinoTools' packet protocol, Espruino 2v25+): the bundle stored as .bootcde, the board's
//   CRC-32 of the stored file compared with what was sent, then load() runs it, and the device's
//   output is read back until the program's top level has returned and --watch seconds longer
//   (or until a line containing --until's text, which must then come within --watch seconds):
//   an error the program did not catch ("Uncaught ...") fails the flash. --ram sends it to RAM
//   instead (the IDE's "send to RAM": lost at reset). The serial stack is the `serialport` package.
// It never hangs and never lies:
// - the port must be a terminal device (a serial port), checked before anything is sent;
// - a program larger than Kaluma's program area is refused before the upload;
// - the CLI's own output is streamed as it comes; it is stopped after --timeout seconds
//   (default 30 s + 1 s per 2 KB) with a message naming the likely causes;
// - kaluma-cli prints "Done." and exits 0 even when the device refused the file, so afterwards the
//   device is asked (`.flash -s` in its REPL) how many bytes of program it holds, and that must
//   be the file's size.
// The serial stacks (@kaluma/cli with serialport's native addon, compiled on install; serialport
// for Espruino) are needed only here, so they are no dependency of either package: where one is
// missing or not built this says how to get it.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { isatty } from 'node:tty';
import { parseArgs } from '../lib/args.mjs';
import { PROGRAM_AREA, resolveProgram } from '../lib/program.mjs';
import { TOOL_ROOT, userCwd } from '../lib/root.mjs';
import { prepare, stamp } from '../lib/run.mjs';

export const help = `threadsafe flash <demo | app.ts | app.js> --port PATH [--target kaluma|espruino] [--timeout S] [--watch S] [--until TEXT] [--ram] [--no-build] [--no-verify]

Builds the program (as \`threadsafe build\` does, checks included) and uploads it to a board
through its serial port, confirms the upload, and leaves it running.

Kaluma (default): to a Raspberry Pi Pico running Kaluma 1.2.1, with @kaluma/cli (kaluma write),
then asks the device how many bytes of program it holds to confirm the upload. Needs
@kaluma/cli, which is no dependency (its serial port addon is native):
  npm install --save-dev @kaluma/cli@1.0.0

Espruino (--target espruino): to a board running Espruino 2v25 or later (an Espruino Pico, or a
Raspberry Pi Pico with Espruino's RP2040 port), as the Espruino IDE's "save to flash" sends it:
stored as .bootcde with Espruino's packet protocol, confirmed by the board's CRC-32 of the stored
file, then run with load() (it runs at every boot too). Prints what the program prints until its
top level has returned and --watch seconds more (or until a line containing --until's TEXT); an
uncaught error in that time fails the flash.
Needs the serialport package, which is no dependency:
  npm install --save-dev serialport

  --port      the board's serial port (Linux /dev/ttyACM0, macOS /dev/tty.usbmodem1101, Windows COM3); -p too
  --target    kaluma (default) or espruino
  --timeout   seconds before the upload is stopped (default 30 + 1 per 2 KB)
  --watch     Espruino: seconds to read the program's output after its top level (default 2; 30 with --until)
  --until     Espruino: stop reading once a line containing TEXT is printed; the flash fails if none is
              within --watch seconds
  --ram       Espruino: send it to RAM instead of flash (lost at reset; no CRC to compare)
  --no-build  upload the bundle already built
  --no-verify Kaluma: do not ask the device for the stored size

Exit codes: 0 uploaded and confirmed (Espruino: and no uncaught error seen), 1 the build, the
upload, the confirmation failed or the program threw, 2 bad arguments or port, 3 the serial
stack (@kaluma/cli, serialport) is not installed or its addon not built, 4 timed out.`;

/** require() from the user's project first, then from beside the toolchain. */
function resolveCli() {
  for (const from of [userCwd(), TOOL_ROOT]) {
    try {
      return createRequire(join(from, 'noop.js')).resolve('@kaluma/cli/bin/kaluma.js');
    } catch {
      // not there
    }
  }
  return null;
}

class Fail extends Error {
  constructor(code, ...lines) {
    super(lines.join('\n'));
    this.code = code;
  }
}

/** Null when `port` is a terminal device; else why not (one line). */
export function notASerialPort(port) {
  if (process.platform === 'win32') return null; // COM3: opened by serialport only
  if (!existsSync(port)) return `the port ${port} does not exist: is the Pico plugged in? (ls /dev/ttyACM* /dev/tty.usbmodem*)`;
  const st = statSync(port);
  if (!st.isCharacterDevice()) return `${port} is not a serial port (a ${st.isDirectory() ? 'directory' : 'file'}, not a device): give the Pico's port, e.g. /dev/ttyACM0`;
  let fd;
  try {
    fd = openSync(port, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    return `${port} cannot be opened (${e.code}): ${e.code === 'EACCES' ? 'add yourself to the group that owns it (Linux: sudo usermod -aG dialout $USER, then log in again)' : e.message}`;
  }
  try {
    if (!isatty(fd)) return `${port} is not a serial port (a character device, but not a terminal): give the Pico's port, e.g. /dev/ttyACM0`;
  } finally {
    closeSync(fd);
  }
  return null;
}

/** The seconds an upload of `bytes` may take before it is stopped. */
export const defaultTimeoutS = (bytes) => Math.round(30 + bytes / 2000);

/** Runs `kaluma write`, streaming its output; resolves { code, stdout } or rejects with Fail(4) after timeoutS. */
function kalumaWrite(cli, file, port, timeoutS, out) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'write', file, '-p', port], { cwd: userCwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      out.stdout(String(d));
    });
    child.stderr.on('data', (d) => {
      stdout += d;
      out.stderr(String(d));
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      reject(new Fail(4, `flash: no complete upload through ${port} within ${timeoutS} s; stopped kaluma write. Likely causes:`,
        '  - a serial monitor (screen, picocom, minicom, the Kaluma IDE, another flash) still has the port open and takes the',
        '    device\'s replies: close it, then try again;',
        `  - ${port} is not a Pico running Kaluma (a wrong device: compare ls /dev/ttyACM* with the Pico unplugged and plugged in),`,
        '    or the Pico is in BOOTSEL mode (a USB drive) without Kaluma on it: see docs/kaluma.md, "Put Kaluma on the Pico";',
        '  - the device is busy or wedged: unplug and replug the Pico.',
        `  A large program on a slow link may need more time: --timeout ${timeoutS * 2}`));
    }, timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Fail(1, `flash: cannot run kaluma write: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** Asks the device how many bytes of program it holds (`.flash -s`); resolves a number or rejects. */
export function storedSize(SerialPort, port, { timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const serial = new SerialPort(port, { autoOpen: false, baudRate: 115200 });
    let text = '';
    let timer;
    let again;
    const finish = (err, n) => {
      clearTimeout(timer);
      clearInterval(again);
      const done = () => (err ? reject(err) : resolve(n));
      if (serial.isOpen) serial.close(done);
      else done();
    };
    serial.on('data', (d) => {
      text += d.toString('latin1');
      const m = /\.flash -s\r?\n(\d+)\r?\n/.exec(text);
      if (m) finish(null, Number(m[1]));
    });
    serial.open((err) => {
      if (err) return finish(new Error(`cannot open ${port} again to confirm the upload: ${err.message}`));
      // The device answers once the program's top level has returned (its parse can take
      // a while after `.load`): ask again every 4 s until then.
      serial.write('\r.flash -s\r');
      again = setInterval(() => serial.write('\r.flash -s\r'), 4000);
      timer = setTimeout(() => finish(new Error(`the device did not answer ".flash -s" within ${timeoutMs} ms`)), timeoutMs);
    });
  });
}

/**
 * The upload, as the CLI runs it. `out` receives the output ({ stdout(text), stderr(text) }).
 * Resolves { name, file, bytes, stored } or rejects with Fail (its `code` is the exit code).
 */
export async function flash({ program: arg, port, target = 'kaluma', timeoutS, watchS, until, ram = false, build = true, verify = true, out }) {
  const usage = 'usage: threadsafe flash <demo | app.ts | app.js> --port <path> [--target kaluma|espruino] [--timeout S] [--watch S] [--until TEXT] [--ram] [--no-build] [--no-verify]\n' +
    '  e.g.  threadsafe flash event --port /dev/ttyACM0   (macOS: /dev/tty.usbmodem1101, Windows: COM3)';
  if (!arg) throw new Fail(2, usage);
  if (target !== 'kaluma' && target !== 'espruino') throw new Fail(2, `flash: --target must be kaluma or espruino, not "${target}"`);
  const board = target === 'kaluma' ? 'the Pico running Kaluma' : 'the board running Espruino';
  if (target === 'kaluma' && (watchS !== undefined || until !== undefined || ram)) {
    throw new Fail(2, `flash: ${watchS !== undefined ? '--watch' : until !== undefined ? '--until' : '--ram'} is for Espruino (--target espruino): Kaluma's REPL is read with any serial monitor`);
  }
  if (until === '') throw new Fail(2, 'flash: --until needs the text of a line to wait for');
  if (target === 'espruino' && !verify) throw new Fail(2, 'flash: --no-verify is for Kaluma: on Espruino the CRC-32 of the stored file is compared as part of the upload (use --ram to skip storing it)');
  if (watchS !== undefined && !(watchS >= 0)) throw new Fail(2, `flash: --watch must be a number of seconds >= 0, not "${watchS}"`);
  let program;
  try {
    program = resolveProgram(arg, { target });
  } catch (e) {
    throw new Fail(2, `flash: ${e.message}`, usage);
  }
  if (!port) {
    const candidates = existsSync('/dev') ? readdirSync('/dev').filter((f) => /^(ttyACM\d+|tty\.usbmodem.*|cu\.usbmodem.*)$/.test(f)).map((f) => '/dev/' + f) : [];
    throw new Fail(2, `flash: no port given: add --port <path>, the serial port of ${board}.`,
      candidates.length ? `  serial ports that look like a board here: ${candidates.join(', ')}` : (target === 'kaluma'
        ? '  no /dev/ttyACM* or /dev/tty.usbmodem* here: is the Pico plugged in and running Kaluma (see docs/kaluma.md: "Put Kaluma on the Pico")?'
        : '  no /dev/ttyACM* or /dev/tty.usbmodem* here: is the board plugged in and running Espruino (see docs/espruino.md)?'),
      usage);
  }
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new Fail(2, `flash: --timeout must be a number of seconds > 0, not "${timeoutS}"`);
  const bad = notASerialPort(port);
  if (bad) throw new Fail(2, `flash: ${bad}`);
  if (target === 'espruino') return flashEspruino({ program, port, timeoutS, watchS: watchS === undefined ? (until === undefined ? 2 : 30) : watchS, until, ram, build, out });

  const cli = resolveCli();
  if (!cli) {
    throw new Fail(3, 'flash: @kaluma/cli is not installed: it is the serial stack that uploads to the Pico, needed only to flash',
      '  (no dependency of threadsafe or threadsafe-toolchain, since its serial port addon is compiled on install). Install it:',
      '    npm install --save-dev @kaluma/cli@1.0.0');
  }
  let SerialPort;
  try {
    SerialPort = createRequire(cli)('serialport');
  } catch (e) {
    throw new Fail(3, 'flash: @kaluma/cli is installed but its serial port addon (@serialport/bindings, native) is not built:',
      `  ${String(e.message).split('\n')[0]}`,
      '  build it (needs python3, make and a C++ compiler; no download):',
      '    npm rebuild @serialport/bindings',
      '  or, where npm skips install scripts:',
      '    (cd node_modules/@serialport/bindings && npx --yes node-gyp rebuild)');
  }

  let file;
  try {
    ({ file } = await prepare(program, { build }));
  } catch (e) {
    throw new Fail(1, `flash: ${e.message}`);
  }
  if (!existsSync(file)) throw new Fail(1, `flash: ${relative(userCwd(), file) || file} was not built (drop --no-build)`);
  const bytes = readFileSync(file).length;
  if (bytes + 1 > PROGRAM_AREA) {
    throw new Fail(1, `flash: ${relative(userCwd(), file) || file} is ${bytes} bytes; Kaluma's program area holds ${PROGRAM_AREA - 1} at most (512 KB with its end marker): not uploaded.`,
      '  The device would cancel the transfer (Verification failed) while kaluma write still prints Done.');
  }
  const limit = timeoutS || defaultTimeoutS(bytes);
  const shown = relative(userCwd(), file) || file;
  out.stdout(`flash: kaluma write ${shown} -p ${port}   (${bytes} bytes; stopped after ${limit} s)\n`);
  const res = await kalumaWrite(cli, file, port, limit, out);
  // kaluma-cli 1.0.0 prints errors but exits 0: "Done." is necessary, not sufficient.
  if (res.code !== 0 || !/Done\./.test(res.stdout)) throw new Fail(1, `flash: the upload did not finish (kaluma write exited ${res.code}${/Done\./.test(res.stdout) ? '' : ' without "Done."'})`);
  let stored = null;
  if (verify) {
    try {
      stored = await storedSize(SerialPort, port, { timeoutMs: Math.max(20000, limit * 1000) }); // as long as the upload may take: a busy host slows an emulated board
    } catch (e) {
      throw new Fail(1, `flash: kaluma write said Done., but the upload could not be confirmed: ${e.message}`,
        '  (a serial monitor holding the port takes the answer: close it; or skip the check with --no-verify)');
    }
    if (stored !== bytes) {
      throw new Fail(1, `flash: kaluma write said Done., but the device holds ${stored} bytes of program, not the ${bytes} bytes of ${shown}: the upload did not complete. Try again.`);
    }
    out.stdout(`flash: the device confirms ${stored} bytes of program, the size of ${shown}\n`);
  }
  out.stdout(`flash: ${program.name} is running. See its output (and Kaluma's REPL) with any serial monitor at 115200 baud, e.g.\n  screen ${port} 115200   (or: picocom -b 115200 ${port})\n`);
  return { name: program.name, file, bytes, stored };
}

/** require('serialport') from the user's project, then beside the toolchain, then as @kaluma/cli has it; null when none loads. */
function resolveSerialport() {
  const froms = [join(userCwd(), 'noop.js'), join(TOOL_ROOT, 'noop.js')];
  const cli = resolveCli();
  if (cli) froms.push(cli);
  let why = null;
  for (const from of froms) {
    const req = createRequire(from);
    let file;
    try {
      file = req.resolve('serialport');
    } catch {
      continue; // not there
    }
    try {
      return { mod: req(file), file };
    } catch (e) {
      why ||= { file, message: String(e.message).split('\n')[0] };
    }
  }
  return why ? { broken: why } : null;
}

/** The Espruino upload (see the header): Fail(1) for a failed upload or an uncaught error, Fail(4) for no answer. */
async function flashEspruino({ program, port, timeoutS, watchS, until, ram, build, out }) {
  const sp = resolveSerialport();
  if (!sp) {
    throw new Fail(3, 'flash: the serialport package is not installed: it is the serial stack that uploads to an Espruino board, needed only to flash',
      '  (no dependency of threadsafe or threadsafe-toolchain). Install it:',
      '    npm install --save-dev serialport');
  }
  if (sp.broken) {
    throw new Fail(3, `flash: the serialport package (${sp.broken.file}) is installed but does not load: ${sp.broken.message}`,
      '  serialport 10 and later ship prebuilt addons for Linux, macOS and Windows: npm install --save-dev serialport@latest;',
      '  serialport 9 compiles its addon on install: npm rebuild @serialport/bindings');
  }
  let file;
  try {
    ({ file } = await prepare(program, { build, target: 'espruino' }));
  } catch (e) {
    throw new Fail(1, `flash: ${e.message}`);
  }
  const shown = relative(userCwd(), file) || file;
  if (!existsSync(file)) throw new Fail(1, `flash: ${shown} was not built (drop --no-build)`);
  const code = readFileSync(file, 'utf8');
  const bytes = Buffer.byteLength(code);
  const limit = (timeoutS || defaultTimeoutS(bytes)) + watchS; // the watch comes on top of the upload
  out.stdout(ram
    ? `flash: ${shown} to RAM on ${port} (${bytes} bytes, as the Espruino IDE's "send to RAM": each line after DLE, lost at reset; stopped after ${limit} s)\n`
    : `flash: ${shown} to ${port} as .bootcde (${bytes} bytes, Espruino's packet protocol, as the Espruino IDE's "save to flash"; stopped after ${limit} s)\n`);
  const { uploadToEspruino } = await import('../emulator/espruino-upload.mjs');
  let r;
  let timer;
  try {
    let loaded = false;
    const stopped = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Fail(4, `flash: no complete upload through ${port} within ${limit} s. Likely causes:`,
        '  - a serial monitor (screen, picocom, minicom, the Espruino IDE, another flash) still has the port open and takes the',
        '    board\'s replies: close it, then try again;',
        `  - ${port} is not a board running Espruino, or the program's top level does not return (a busy loop at the top level);`,
        `  A large program on a slow link may need more time: --timeout ${limit * 2}`)), limit * 1000);
    });
    const upload = uploadToEspruino({
      port, code, mode: ram ? 'ram' : 'flash', serialport: sp.mod, timeoutMs: limit * 1000, watchMs: Math.round(watchS * 1000), until,
      log: (m) => {
        if (!loaded) out.stdout(`flash: the board confirms: ${m}\n`);
      },
      onLine: (l) => {
        if (!loaded) {
          loaded = true;
          out.stdout(`flash: ${ram ? 'its lines run' : 'load() runs it'}; what it prints (wall ms since ${ram ? 'its first line was sent' : 'load()'}):\n`);
        }
        out.stdout(stamp(l.ms, l.text) + '\n');
      },
    });
    upload.catch(() => {});
    r = await Promise.race([upload, stopped]);
  } catch (e) {
    if (e instanceof Fail) throw e;
    const msg = String(e.message).replace(/^uploadToEspruino: /, '');
    throw new Fail(1, `flash: the upload failed: ${msg}`, /no ACK|did not answer|no banner/.test(msg)
      ? `  Is ${port} a board running Espruino 2v25 or later (its packet protocol), with no serial monitor holding the port?` : '  Try again; if it fails again, reset the board (unplug and plug it in).');
  } finally {
    clearTimeout(timer);
  }
  const errs = r.errors.length;
  out.stdout(`--- ${program.name}: top level returned ${r.topLevelMs} ms after ${ram ? 'its first line was sent' : 'load()'}; ${r.lines.length} line${r.lines.length === 1 ? "" : "s"} printed${r.untilSeen ? ` until "${until}"` : ` until ${watchS} s after it`}; ${errs} uncaught error${errs === 1 ? '' : 's'}\n`);
  if (errs) {
    throw new Fail(1, `flash: ${program.name} threw on the board:\n${r.errors.map((e) => `  ${e.where ? e.where + ': ' : ''}${e.text}${e.stack.length ? ' (' + e.stack[0] + ')' : ''}`).join('\n')}`,
      ...(ram ? [] : ['  It is stored and runs at every boot: fix it and flash again (or remove it: require("Storage").erase(".bootcde") at the board\'s prompt).']));
  }
  if (until !== undefined && !r.untilSeen) throw new Fail(1, `flash: ${program.name} did not print "${until}" within ${watchS} s after its top level returned (more time: --watch ${watchS * 2})`);
  out.stdout(`flash: ${program.name} is running${ram ? ' (from RAM: gone at reset)' : ' (and at every boot)'}. See its output with any serial monitor at 115200 baud, e.g.\n  screen ${port} 115200   (or: picocom -b 115200 ${port}, or the Espruino IDE)\n`);
  return { name: program.name, file, bytes, crc: r.crc, lines: r.lines, errors: r.errors };
}

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv, ['port', 'timeout', 'target', 'watch', 'until'], ['build', 'verify', 'ram'], { '-p': '--port' });
  } catch (e) {
    console.error(`flash: ${e.message}\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  if (o.help) {
    console.log(help);
    return 0;
  }
  if (o._.length > 1) {
    console.error(`flash: one program is needed\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  try {
    await flash({ program: o._[0], port: o.port, target: o.target || 'kaluma', timeoutS: o.timeout === undefined ? undefined : Number(o.timeout),
      watchS: o.watch === undefined ? undefined : Number(o.watch), until: o.until, ram: o.ram === true, build: o.build !== false, verify: o.verify !== false,
      out: { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) } });
    return 0;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    console.error(e.message);
    return e.code;
  }
}
