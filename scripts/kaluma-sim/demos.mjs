// The board demos as the simulation runs them: how each is wired on the virtual Pico and
// what its summary reports (the list of demos itself is lib/demos.mjs: board/*.ts; a test holds
// the two in agreement). Used by the sim, emulate and demo commands and the tests.
import { readFileSync } from 'node:fs';
import { defaultBundle } from '../lib/demos.mjs';
import { buttonPattern, KalumaSim, squareWave } from './index.mjs';
import { quadrature } from './quadrature.mjs';

/** What the event demo's lines add up to (the same on the firmware, where nothing else can be read). */
function eventRounds(lines) {
  return `waiters woken ${lines.filter((l) => / got event$/.test(l)).length}, ` +
    `cancelled ${lines.filter((l) => / cancelled$/.test(l)).length}, rounds ${lines.filter((l) => l === 'Cleared event').length}`;
}

/** The emulator's `pins` for a turn of the encoder ([{ steps, rate, pauseUs }]) from AB = 11 (the pull-ups), A on GP2, B on GP3. */
function encoderPins(turns, startMs) {
  return quadrature(turns, { startUs: startMs * 1000, a: 1, b: 1 }).edges.map((e) => ({ at: e.t / 1000, pin: e.pin === 'A' ? 2 : 3, value: e.level }));
}

/** The last line a demo printed (its own running summary), for the firmware. */
const lastLine = (lines) => (lines.length ? `last line "${lines[lines.length - 1]}"` : 'nothing printed');

// Each demo: seconds, wiring (text), setup(sim) for the simulation, wire ('OUT:IN' jumper for
// the firmware), pins() (the firmware's pin script, with firmwareWiring saying what it does),
// summary(sim) from the simulation, firmwareSummary(lines) from what it printed.
export const DEMOS = {
  event: {
    seconds: 5,
    wiring: 'no wiring (a TimerSource sets the event every 1000 ms)',
    setup() {},
    summary(sim) {
      return `timer ticks ${sim.evaluate('ticker.ticks()')}, ${eventRounds(sim.lines())}`;
    },
    firmwareSummary: eventRounds,
  },
  'event-async': {
    seconds: 5,
    wiring: 'no wiring (the event demo written with async functions; Kaluma only)',
    setup() {},
    summary(sim) {
      return `timer ticks ${sim.evaluate('ticker.ticks()')}, ${eventRounds(sim.lines())}`;
    },
    firmwareSummary: eventRounds,
  },
  echo: {
    seconds: 5,
    wiring: 'no wiring (the echo side is a setInterval(0) callback: every main-loop iteration)',
    setup() {},
    summary(sim) {
      return `items sent ${sim.evaluate('echo.sent()')}, items received ${sim.evaluate('echo.received()')} (all in order)`;
    },
    firmwareSummary: lastLine,
  },
  encoder: {
    seconds: 3,
    wiring: 'a quadrature signal on GP2 (A) and GP3 (B), A leading B: 1000 steps/s forward',
    setup(sim) {
      // A and B: 250 Hz square waves a quarter period apart (A leads): 4 edges, 4 steps, per 4 ms
      sim.drive(2, squareWave(250, { startUs: 2000 }));
      sim.drive(3, squareWave(250, { startUs: 3000 }));
    },
    summary(sim) {
      return `edges on GP2+GP3 ${sim.edgesOn(2) + sim.edgesOn(3)}, position ${sim.evaluate('encoder.position()')}, last line "${sim.lines().slice(-1)[0] || ''}"`;
    },
    // On the firmware (no simulation to drive): a turn by the emulator's pin script instead
    firmwareWiring: 'a quadrature signal on GP2 (A) and GP3 (B): 2,000 steps forward at 2,000 steps/s, a 300 ms pause, 1,500 back at 2,500 steps/s (it ends at position 500)',
    pins: () => encoderPins([{ steps: 2000, rate: 2000, pauseUs: 300000 }, { steps: -1500, rate: 2500 }], 500),
    firmwareSummary(lines) {
      const shown = lines.filter((l) => /^position -?\d+ /.test(l));
      return `${shown.length} positions shown, the last "${shown.length ? shown[shown.length - 1] : 'none'}" (the turn ends at 500)`;
    },
  },
  button: {
    seconds: 5,
    wiring: 'GP16 (PWM 500 Hz) wired to GP17 (InterruptSource, CHANGE)',
    setup(sim, { input = 'wire' } = {}) {
      if (input === 'button') {
        // A person pressing a bouncy button twice a second instead of the jumper.
        const presses = [];
        for (let t = 200; t < 60000; t += 500) presses.push([t, t + 150]);
        sim.drive(17, buttonPattern(presses, { idle: 1, bounces: 3, bounceUs: 300 }));
      } else if (input === 'wire') {
        sim.wire(16, 17);
      }
    },
    wire: '16:17',
    firmwareSummary: lastLine,
    summary(sim) {
      return `edges generated on GP17 ${sim.edgesOn(17)}, interrupt calls ${sim.stats.irqCalls}, ` +
        `records delivered ${sim.evaluate('source.delivered()')}, overruns ${sim.evaluate('source.overruns()')}`;
    },
  },
};

/** The built bundle of a demo. */
export function bundleOf(name) {
  return readFileSync(defaultBundle(name, { demo: true }), 'utf8');
}

/**
 * Runs demo `name` on a fresh simulated board for `seconds` of virtual time.
 * Returns { sim, lines, summary }.
 */
export function runDemo(name, { seconds, echo, input, sim: simOptions } = {}) {
  const demo = DEMOS[name];
  if (!demo) throw new Error(`unknown demo "${name}" (have: ${Object.keys(DEMOS).join(', ')})`);
  const sim = new KalumaSim({ ...simOptions, echo });
  demo.setup(sim, { input });
  sim.load(bundleOf(name), `dist/board/${name}.js`);
  sim.run((seconds === undefined ? demo.seconds : seconds) * 1000);
  return { sim, lines: sim.lines(), summary: demo.summary(sim) };
}
