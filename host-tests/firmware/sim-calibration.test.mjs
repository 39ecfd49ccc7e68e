// The host simulation (scripts/kaluma-sim) against the real Kaluma 1.2.1 firmware (emulated):
// the same scenarios (scripts/kaluma-sim/scenarios.mjs: a queue hand-over, the echo and button
// demos, edge → task latency two ways) on both, and the simulation's figure must stay within 2×
// of the firmware's, either way. The simulation's cost model is fitted from generic
// microbenchmarks (scripts/kaluma-sim/calibrate.mjs), not from these scenarios: when this test
// fails after a change to the library, the model misprices something the library now does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { firmwareHere } from './helpers.mjs';
import { SCENARIOS } from '../../scripts/kaluma-sim/scenarios.mjs';

const TOLERANCE = 2;

if (firmwareHere('host-tests/firmware/sim-calibration.test.mjs')) {
  const calibration = suite('simulation vs firmware: within 2× either way');
  // Every firmware run starts now (two at a time: scripts/firmware.mjs); the tests await them.
  const runs = SCENARIOS.map((s) => {
    const p = s.firmware();
    p.catch(() => {}); // awaited (and reported) by its test
    return p;
  });

  SCENARIOS.forEach((s, i) => {
    calibration(s.name, async () => {
      const sim = s.sim();
      const fw = await runs[i];
      const ratio = sim.value / fw.value;
      const text = `simulation ${sim.value.toFixed(2)} ${s.unit} (${sim.detail}), firmware ${fw.value.toFixed(2)} ${s.unit} (${fw.detail}): ${ratio.toFixed(2)}×`;
      console.log(`    ${s.name}: ${text}`);
      assert.ok(fw.value > 0 && sim.value > 0, text);
      assert.ok(ratio <= TOLERANCE && ratio >= 1 / TOLERANCE, `the simulation strays beyond ${TOLERANCE}× of the firmware: ${text}`);
    });
  });

  calibration.run();
}
