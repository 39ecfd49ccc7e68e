#!/usr/bin/env node
// The emulator as a process: one program, one run, the lines on stdout. scripts/firmware.mjs
// starts it (two at once on a 2-core machine: the emulator is one busy core each).
//
//   node scripts/emulator/cli.mjs program.js --firmware kaluma.uf2 --bootrom bootrom-b1.bin
//        [--target kaluma|espruino] [--ms 2000] [--upload flash|serial|boot] [--until TEXT]
//        [--start-on TEXT] [--wire OUT:IN,...] [--pin-script pins.json] [--trace-pins 2,25]
//        [--pin-log FILE] [--time-base start|ready] [--timestamps] [--stats] [--json FILE]
//        [--fail-on-error] [--wall-timeout S] [--isr-probe] [--isr-mark-edge PIN,...]
//   pins.json: [{ "atMs": 100, "pin": 2, "level": 1 }, ...] (or { at, pin, value })
//   stdout: each line the program printed ("[   123.4 ms] text" with --timestamps)
//   stderr: "[emulator] stats {...}" (--stats), "[emulator] isr {...}" (--isr-probe: what the
//           attachInterrupt handlers did to the engine, scripts/emulator/kaluma-isr.mjs),
//           "[emulator] FIRMWARE CRASH: {...}", errors,
//           misreports, notes; --json FILE: the whole result of emulate()
//   exit codes: 0 ok, 1 the program threw (only with --fail-on-error; else 0), 2 usage,
//               3 firmware crash, 4 --until not seen, 5 harness error
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulate } from './index.mjs';

/** --isr-mark-edge PIN,...: GPIO numbers, comma-separated. */
function markPins(v) {
  if (typeof v !== 'string' || !/^\d+(,\d+)*$/.test(v)) throw new RangeError(`--isr-mark-edge wants GPIO numbers separated by commas (like 7,8), not ${v === true ? 'nothing' : JSON.stringify(v)}`);
  return v.split(',').map(Number);
}

function parseArgs(argv) {
  const a = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k.startsWith('--')) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) a[k.slice(2)] = true;
      else a[k.slice(2)] = argv[++i];
    } else a._.push(k);
  }
  return a;
}

const USAGE = 'usage: node scripts/emulator/cli.mjs program.js --firmware FILE --bootrom FILE [--target kaluma|espruino] [--ms 2000]\n' +
  '  [--upload flash|serial|boot] [--until TEXT] [--start-on TEXT] [--wire OUT:IN,...] [--pin-script pins.json]\n' +
  '  [--trace-pins 2,25] [--pin-log FILE] [--time-base start|ready] [--timestamps] [--stats] [--json FILE] [--fail-on-error]\n' +
  '  [--wall-timeout S] [--isr-probe] [--isr-mark-edge PIN,...]';

export async function main(argv) {
  const a = parseArgs(argv);
  if (a.help || a._.length !== 1) {
    (a.help ? console.log : console.error)(USAGE);
    return a.help ? 0 : 2;
  }
  const code = readFileSync(a._[0], 'utf8');
  const pins = a['pin-script'] ? JSON.parse(readFileSync(a['pin-script'], 'utf8')).map((p) => ({ at: p.at ?? p.atMs, pin: p.pin, value: p.value ?? p.level, initial: p.initial })) : [];
  const wires = typeof a.wire === 'string' ? a.wire.split(',').map((w) => w.split(':').map(Number)) : [];
  const upload = a.upload === 'ymodem' ? 'serial' : a.upload || 'flash';
  let r;
  try {
    r = await emulate({
      target: a.target || 'kaluma',
      firmware: typeof a.firmware === 'string' ? resolve(a.firmware) : undefined,
      bootrom: typeof a.bootrom === 'string' ? resolve(a.bootrom) : undefined,
      code,
      upload,
      ms: Number(a.ms ?? 2000),
      until: typeof a.until === 'string' ? a.until : undefined,
      startOn: typeof a['start-on'] === 'string' ? a['start-on'] : undefined,
      wires,
      pins,
      tracePins: typeof a['trace-pins'] === 'string' ? a['trace-pins'].split(',').map(Number) : [],
      timeBase: a['time-base'] === 'ready' ? 'ready' : 'start',
      wallTimeoutMs: Number(a['wall-timeout'] ?? 300) * 1000,
      isrProbe: a['isr-probe'] === true || a['isr-mark-edge'] !== undefined,
      isrMarkEdge: a['isr-mark-edge'] !== undefined ? markPins(a['isr-mark-edge']) : undefined,
    });
  } catch (e) {
    console.error(`[emulator] error: ${e.message}`);
    return e instanceof TypeError || e instanceof RangeError ? 2 : 5;
  }
  const out = r.lines.map((l) => (a.timestamps ? `[${l.ms.toFixed(1).padStart(8)} ms] ${l.text}` : l.text)).join('\n');
  process.stdout.write(out + (r.lines.length ? '\n' : ''));
  for (const e of r.errors) console.error(`[emulator] ${e.kind}${e.where ? ' (' + e.where + ')' : ''} at ${e.ms.toFixed(1)} ms: ${e.text}`);
  for (const m of r.misreported) console.error(`[emulator] misreported by the firmware at ${m.ms.toFixed(1)} ms (not an error: ${m.why}): ${m.text}`);
  for (const n of r.notes) console.error(`[emulator] note: ${n}`);
  if (r.harnessError) console.error(`[emulator] error: ${r.harnessError}`);
  if (r.crashed) console.error('[emulator] FIRMWARE CRASH: ' + JSON.stringify(r.crashed));
  if (r.exitCode === 4) console.error(`[emulator] timeout: "${a.until}" not printed within ${a.ms ?? 2000} emulated ms`);
  if (a['pin-log']) writeFileSync(a['pin-log'], r.pinLog.map((e) => `${e.us.toFixed(1)}us GP${e.pin} ${e.dir} ${e.level}`).join('\n') + '\n');
  if (a.stats) console.error('[emulator] stats ' + JSON.stringify(r.stats));
  if (r.isr) console.error('[emulator] isr ' + JSON.stringify(r.isr));
  if (typeof a.json === 'string') writeFileSync(a.json, JSON.stringify(r));
  return r.exitCode === 1 && !a['fail-on-error'] ? 0 : r.exitCode;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (e) => (console.error('[emulator] error:', e), process.exit(5)),
  );
}
