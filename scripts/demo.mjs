// `npm run demo [-- <name>] [--seconds N] [--input wire|button]`: runs the built board demos
// (dist/board/<name>.js, the same ES5 files `npm run flash` uploads) on a simulated Raspberry
// Pi Pico running Kaluma (scripts/kaluma-sim), on virtual time, and prints what the board would
// print, each line stamped with the board's millis(), then a summary. No board needed.
import { DEMOS, runDemo } from './kaluma-sim/demos.mjs';

const args = process.argv.slice(2);
let seconds;
let input;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seconds') seconds = Number(args[++i]);
  else if (args[i] === '--input') input = args[++i];
  else if (args[i] === '--help' || args[i] === '-h') {
    console.log(`usage: npm run demo [-- <${Object.keys(DEMOS).join('|')}>] [--seconds N] [--input wire|button]`);
    process.exit(0);
  } else names.push(args[i]);
}
if (seconds !== undefined && !(seconds > 0)) {
  console.error('demo: --seconds must be a number > 0');
  process.exit(2);
}
if (input !== undefined && input !== 'wire' && input !== 'button') {
  console.error('demo: --input must be wire (GP16 wired to GP17) or button (a bouncy push button on GP17)');
  process.exit(2);
}
for (const name of names) {
  if (!DEMOS[name]) {
    console.error(`demo: no demo named "${name}"; the demos are: ${Object.keys(DEMOS).join(', ')}`);
    process.exit(2);
  }
}

let failed = false;
for (const name of names.length ? names : Object.keys(DEMOS)) {
  const secs = seconds === undefined ? DEMOS[name].seconds : seconds;
  console.log(`\n=== ${name}: dist/board/${name}.js on a simulated Pico (Kaluma 1.2.1), ${secs} s of virtual time`);
  console.log(`    wiring: ${name === 'button' && input === 'button' ? 'a bouncy push button on GP17 (pressed twice a second)' : DEMOS[name].wiring}`);
  const started = Date.now();
  const echo = (line, ms) => console.log(`[${String(ms).padStart(6)} ms] ${line}`);
  try {
    const res = runDemo(name, { seconds: secs, input, echo });
    const sim = res.sim;
    console.log(`--- summary: ${res.summary}; ${sim.stats.iterations} loop iterations, ${sim.errors.length} uncaught errors, ` +
      `${sim.isrViolations.length} calls from interrupt handlers (${Date.now() - started} ms of wall time)`);
    if (sim.errors.length || sim.isrViolations.length) failed = true;
  } catch (e) {
    failed = true;
    console.error(`--- ${name} failed: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
