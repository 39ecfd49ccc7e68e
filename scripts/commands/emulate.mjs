// `threadsafe emulate <demo | app.ts | app.js> [--firmware FILE] [--bootrom FILE] [--seconds N] [--wire OUT:IN] [--no-build]`
import { relative } from 'node:path';
import { parseArgs } from '../lib/args.mjs';
import { DEMOS } from '../kaluma-sim/demos.mjs';
import { firmwareFiles, resolveProgram } from '../lib/program.mjs';
import { userCwd } from '../lib/root.mjs';
import { emulate, emulateEspruino, prepare } from '../lib/run.mjs';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { badRunOptions } from './sim.mjs';

export const help = `threadsafe emulate <demo | app.ts | app.js> [--target kaluma|espruino] [--firmware FILE] [--bootrom FILE] [--espruino PATH] [--seconds N] [--wire OUT:IN] [--no-build]

Builds the program (as \`threadsafe build\` does, checks included) and runs it on the real
Kaluma 1.2.1 firmware in an emulated RP2040 (rp2040js): the real engine, heap and interrupts,
about 4 s of wall time per emulated second. Prints what the board prints, each line stamped
with the ms since the program started, then a summary that counts the program's uncaught
errors, and apart from them what the firmware misreports (a rejection the program catches with
try/await/catch is printed as "Uncaught (in promise)" by Kaluma 1.2.1: not the program's error).

With --target espruino the program is built for Espruino (ES5, no async syntax) and runs on an
Espruino interpreter binary you name with --espruino PATH (e.g. the Linux build of Espruino
2v29) for --seconds of wall time, or without it on Espruino's RP2040 port in the emulated RP2040
(--firmware its .uf2/.bin, or ESPRUINO_FIRMWARE).

  --target   kaluma (default) or espruino
  --espruino an Espruino interpreter binary to run the program on (--target espruino)
  --firmware the firmware: for Kaluma the .uf2 Kaluma publishes, or a .bin (or KALUMA_FIRMWARE)
  --bootrom  the RP2040 B1 bootrom as a raw 16 KB file (or RP2040_BOOTROM)
             Without them: the files beside the program, in this folder or in a firmware/ folder of
             either, under their release names (kaluma-rp2-pico-1.2.1.uf2 or .bin,
             espruino_rp2040_pico.bin, bootrom-b1.bin or b1.bin), else those \`threadsafe fetch-firmware\` cached.
  --seconds  emulated seconds to run (default: the demo's, else 5)
  --wire     jumper wires OUT:IN[,OUT:IN...]: input GP<IN> follows output GP<OUT>
  --no-build run the bundle already built

Exit codes: 0 ran cleanly, 1 the build or a check failed, the program threw uncaught or the
firmware crashed, 2 bad arguments, 3 the firmware or the bootrom is absent (it says where to get them).`;

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv, ['seconds', 'wire', 'firmware', 'bootrom', 'target', 'espruino'], ['build']);
  } catch (e) {
    console.error(`emulate: ${e.message}\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  if (o.help) {
    console.log(help);
    return 0;
  }
  if (o._.length !== 1) {
    console.error(`emulate: one program is needed\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  const bad = badRunOptions(o);
  if (bad) {
    console.error(`emulate: ${bad}`);
    return 2;
  }
  const target = o.target || (o.espruino ? 'espruino' : 'kaluma');
  if (target !== 'kaluma' && target !== 'espruino') {
    console.error(`emulate: --target must be kaluma or espruino, not "${target}"`);
    return 2;
  }
  let program;
  try {
    program = resolveProgram(o._[0], { target });
  } catch (e) {
    console.error(`emulate: ${e.message}`);
    return 2;
  }
  if (o.espruino && target !== 'espruino') {
    console.error('emulate: --espruino runs an Espruino interpreter: give --target espruino (or leave --target out)');
    return 2;
  }
  if (o.espruino) {
    const bin = resolve(userCwd(), o.espruino);
    if (!existsSync(bin)) {
      console.error(`emulate: --espruino ${o.espruino}: no such file (give the path of an Espruino interpreter binary, e.g. the Linux build of Espruino 2v29)`);
      return 3;
    }
    let prepared;
    try {
      prepared = await prepare(program, { build: o.build !== false, target: 'espruino' });
    } catch (e) {
      console.error(`emulate: ${e.message}`);
      return 1;
    }
    for (const w of prepared.warnings) console.error(`emulate: warning: ${w}`);
    const seconds = o.seconds !== undefined ? Number(o.seconds) : 5;
    console.log(`=== ${program.name}: ${relative(userCwd(), prepared.file)} on the Espruino interpreter ${relative(userCwd(), bin) || bin}, at most ${seconds} s of wall time`);
    const res = await emulateEspruino(program, prepared.file, { bin, seconds });
    console.log(`--- summary: ${res.summary}`);
    return res.ok ? 0 : 1;
  }
  const files = firmwareFiles({ target, firmware: o.firmware, bootrom: o.bootrom, near: program.demo ? null : program.source || program.bundle });
  if (files.missing) {
    console.error(`emulate: cannot run on the firmware: ${files.missing}.\n` + (target === 'espruino'
      ? '  Give Espruino\'s RP2040 port with --firmware (it is in no release: build it from espruino/Espruino, make BOARD=RP2040_PICO) and the bootrom with --bootrom,\n  or an Espruino interpreter binary with --espruino PATH\n' : '') +
      '  Give the Kaluma 1.2.1 firmware (--firmware kaluma-rp2-pico-1.2.1.uf2, from https://github.com/kaluma-project/kaluma/releases)\n' +
      '  and the RP2040 bootrom (--bootrom b1.bin, from https://github.com/raspberrypi/pico-bootrom-rp2040/releases), or run `threadsafe fetch-firmware`;\n' +
      `  or run it in the simulation: threadsafe sim ${o._[0]}`);
    return 3;
  }
  let prepared;
  try {
    prepared = await prepare(program, { build: o.build !== false, target });
  } catch (e) {
    console.error(`emulate: ${e.message}`);
    return 1;
  }
  for (const w of prepared.warnings) console.error(`emulate: warning: ${w}`);
  const demo = program.demo && target === 'kaluma' ? DEMOS[program.name] : null;
  const seconds = o.seconds !== undefined ? Number(o.seconds) : demo ? demo.seconds : 5;
  console.log(`=== ${program.name}: ${relative(userCwd(), prepared.file)} on ${target === 'kaluma' ? 'the Kaluma 1.2.1 firmware' : 'Espruino\'s RP2040 port'} (emulated RP2040), ${seconds} s of emulated time`);
  if (demo || o.wire) console.log(`    wiring: ${o.wire ? o.wire.split(',').map((w) => 'GP' + w.replace(':', ' wired to GP')).join(', ') : demo.firmwareWiring && target === 'kaluma' ? demo.firmwareWiring : demo.wiring}`);
  const res = await emulate(program, prepared.file, { seconds, wire: o.wire, firmware: files.firmware, bootrom: files.bootrom, target });
  console.log(`--- summary: ${res.summary}`);
  return res.ok ? 0 : 1;
}
