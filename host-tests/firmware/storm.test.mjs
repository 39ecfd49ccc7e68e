// Interrupt storms on the real Kaluma 1.2.1 firmware (emulated): 10,000 rising edges at 4 kHz
// while the main loop allocates every millisecond. The firmware must not crash, the main loop
// must keep running its timers, and every edge must be accounted for.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { account, counters, firmwareHere, program, risingEdges, runOnFirmware } from './helpers.mjs';

if (firmwareHere('host-tests/firmware/storm.test.mjs')) {
  const storm = suite('firmware: 4 kHz interrupt storm');
  const EDGES = 10000;
  const PERIOD = 0.25; // ms: 4 kHz
  const START = 50; // ms after READY
  const END = START + EDGES * PERIOD;
  const pins = risingEdges(2, EDGES, PERIOD, START);

  const runs = {
    batch: runOnFirmware(program('storm.js', "var STORM_MODE = 'batch';\n"), { ms: END + 1600, startOn: 'READY', pins }),
    next: runOnFirmware(program('storm.js', "var STORM_MODE = 'next';\n"), { ms: END + 1000, startOn: 'READY', pins }),
    // this run takes the minified bundles (dist/*.min.js): they must behave the same
    big: runOnFirmware(program('storm.js', "var STORM_MODE = 'batch'; var STORM_SLOTS = 256;\n", { min: true }), { ms: END + 600, startOn: 'READY', pins }),
  };

  /** The counter lines the program prints every 500 ms: [{ T, ticks, got, recorded, ... }]. */
  const reports = (res) => res.lines.filter((l) => /^T /.test(l.text)).map((l) => counters(l.text));

  /**
   * Every edge is accounted for. The counters are read one after another while edges keep
   * coming, pending first and recorded last, so during the storm recorded may run a few edges
   * ahead of delivered + dropped + pending; once the storm is over they must be equal.
   */
  function accounted(res, inFlight = 0) {
    for (const c of reports(res)) {
      const sum = c.delivered + c.dropped + c.pending;
      if (c.T > END + 5) assert.is(c.recorded, sum, `recorded = delivered + dropped + pending: ${JSON.stringify(c)}`);
      else assert.ok(c.recorded >= sum && c.recorded - sum <= 16, `recorded ≈ delivered + dropped + pending: ${JSON.stringify(c)}`);
      // next(): an item handed to the waiting next() is in its resolved promise until the job runs.
      const missing = c.delivered - c.got - c.queued;
      assert.ok(missing >= 0 && missing <= inFlight, `what was delivered was received or is queued: ${JSON.stringify(c)}`);
    }
  }

  storm('InterruptSource → queue → ready() + getManySync(): no crash, 0 overruns, ≥ 70 % delivered by the end of the storm and all within 1 s after, 0 lost, timers keep running', async () => {
    const res = await runs.batch;
    assert.is(res.code, 0, account(res));
    accounted(res);
    const all = reports(res);
    const last = all[all.length - 1];
    assert.is(last.recorded, EDGES, `every edge recorded (RISING alone never overruns)\n${account(res)}`);
    assert.is(last.overruns, 0);
    // Measured 77 % (see docs/kaluma.md for why it is not more, and what it would take).
    const atEnd = all.find((c) => c.T >= END);
    assert.ok(atEnd.delivered >= 0.7 * EDGES, `delivered ${atEnd.delivered} of ${EDGES} by ${atEnd.T} ms\n${account(res)}`);
    const after = all.find((c) => c.T >= END + 1000);
    assert.ok(after, account(res));
    assert.is(after.delivered, EDGES, `all delivered by ${after.T} ms\n${account(res)}`);
    // The 10 ms interval during the storm: slower (the loop is busy), never frozen: ≥ 30 % of its calls (measured ~46 %).
    const during = all.filter((c) => c.T >= START + 400 && c.T <= END);
    const first = during[0];
    const lastIn = during[during.length - 1];
    const expected = (lastIn.T - first.T) / 10;
    assert.ok(lastIn.ticks - first.ticks >= 0.3 * expected, `10 ms interval: ${lastIn.ticks - first.ticks} calls of ${expected}\n${account(res)}`);
  });

  storm('with a 256-slot queue (and the minified bundles) the batches are larger: ≥ 90 % delivered by the end of the storm, 0 lost, and the 10 ms interval still runs', async () => {
    const res = await runs.big;
    assert.is(res.code, 0, account(res));
    accounted(res);
    const all = reports(res);
    assert.is(all[all.length - 1].recorded, EDGES);
    assert.is(all[all.length - 1].delivered, EDGES, account(res));
    // Measured 97 %: each wake-up (a promise and a .then, ~1 ms) now carries up to 255 items.
    const atEnd = all.find((c) => c.T >= END);
    assert.ok(atEnd.delivered >= 0.9 * EDGES, `delivered ${atEnd.delivered} of ${EDGES} by ${atEnd.T} ms\n${account(res)}`);
    // The price: longer loop iterations (measured: the interval keeps ~16 % of its calls).
    const during = all.filter((c) => c.T >= START + 400 && c.T <= END);
    for (let i = 1; i < during.length; i++) {
      assert.ok(during[i].ticks > during[i - 1].ticks, `the 10 ms interval ran between ${during[i - 1].T} and ${during[i].T} ms\n${account(res)}`);
    }
  });

  storm('with one next() per item the consumer falls behind, but the loop is never frozen and nothing is lost', async () => {
    const res = await runs.next;
    assert.is(res.code, 0, account(res));
    accounted(res, 1);
    const all = reports(res);
    const during = all.filter((c) => c.T >= START + 400 && c.T <= END);
    assert.ok(during.length >= 3, account(res));
    for (let i = 1; i < during.length; i++) {
      assert.ok(during[i].ticks > during[i - 1].ticks, `the 10 ms interval ran between ${during[i - 1].T} and ${during[i].T} ms\n${account(res)}`);
    }
    assert.is(all[all.length - 1].recorded, EDGES);
  });

  storm.run();
}
