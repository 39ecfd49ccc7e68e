// `npm run demo [-- <name>...] [--seconds N] [--input wire|button] [--sim] [--firmware kaluma.bin]`:
// runs the board demos (dist/board/<name>.js, the same files `npm run flash` uploads) without a
// board and prints what the board would print, each line stamped with the board's ms, then a
// summary. On the real Kaluma 1.2.1 firmware (emulated) when its files are at hand (beside the clone in CI, or
// --firmware / KALUMA_FIRMWARE provides it; otherwise, or with --sim, on the host simulation
// (scripts/kaluma-sim, virtual time), and it says which it used and why.
// `--input button` (a bouncy push button instead of the jumper) exists in the simulation only.
import { parseArgs } from './lib/args.mjs';
import { DEMOS } from './kaluma-sim/demos.mjs';
import { firmwareFiles, resolveProgram } from './lib/program.mjs';
import { emulate, simulate } from './lib/run.mjs';

const usage = `usage: npm run demo [-- <${Object.keys(DEMOS).join('|')}>...] [--seconds N] [--input wire|button] [--sim] [--firmware kaluma.bin]`;
let o;
try {
  o = parseArgs(process.argv.slice(2), ['seconds', 'input', 'firmware'], ['sim']);
} catch (e) {
  console.error(`demo: ${e.message}\n${usage}`);
  process.exit(2);
}
if (o.help) {
  console.log(usage);
  process.exit(0);
}
const seconds = o.seconds === undefined ? undefined : Number(o.seconds);
if (seconds !== undefined && !(seconds > 0)) {
  console.error('demo: --seconds must be a number > 0');
  process.exit(2);
}
if (o.input !== undefined && o.input !== 'wire' && o.input !== 'button') {
  console.error('demo: --input must be wire (GP16 wired to GP17) or button (a bouncy push button on GP17)');
  process.exit(2);
}
for (const name of o._) {
  if (!DEMOS[name]) {
    console.error(`demo: no demo named "${name}"; the demos are: ${Object.keys(DEMOS).join(', ')}`);
    process.exit(2);
  }
}

// The firmware, unless told otherwise or absent; the reason is printed either way.
const files = firmwareFiles({ firmware: o.firmware });
let onFirmware = !o.sim && !files.missing;
let why = o.sim ? '--sim was given' : onFirmware ? '' : files.missing;
if (onFirmware && o.input === 'button') {
  onFirmware = false;
  why = '--input button is simulated only';
}
console.log(onFirmware ? `demo: on the Kaluma 1.2.1 firmware in the rp2040js emulator (${files.firmware}); about 4 s of wall time per emulated second`
  : `demo: on the host simulation (scripts/kaluma-sim, virtual time), not the firmware: ${why}`);

let failed = false;
for (const name of o._.length ? o._ : Object.keys(DEMOS)) {
  const demo = DEMOS[name];
  const secs = seconds === undefined ? demo.seconds : seconds;
  const program = resolveProgram(name);
  console.log(`\n=== ${name}: dist/board/${name}.js on ${onFirmware ? 'the emulated Pico running the Kaluma 1.2.1 firmware, ' + secs + ' s of emulated time' : 'a simulated Pico (Kaluma 1.2.1), ' + secs + ' s of virtual time'}`);
  console.log(`    wiring: ${name === 'button' && o.input === 'button' ? 'a bouncy push button on GP17 (pressed twice a second)' : onFirmware && demo.firmwareWiring ? demo.firmwareWiring : demo.wiring}`);
  try {
    const res = onFirmware ? await emulate(program, program.bundle, { seconds: secs, firmware: files.firmware, bootrom: files.bootrom }) : await simulate(program, program.bundle, { seconds: secs, input: o.input });
    console.log(`--- summary: ${res.summary}`);
    if (!res.ok) failed = true;
  } catch (e) {
    failed = true;
    console.error(`--- ${name} failed: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
