// Storms on the real Kaluma 1.2.1 firmware (emulated): 4,000 rising edges at 4 kHz through an
// InterruptSource into (a) a ThreadSafeMessage (set(data) with the record's index, a task waiting
// on it) and (b) a 16-slot 'drop-oldest' ThreadSafeQueue consumed in batches. No crash; every
// edge is recorded and accounted for (delivered + dropped + pending); the message ends holding
// the newest record; the queue's consumer sees strictly increasing items, and what it took plus
// what the policy dropped is every record.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { account, counters, firmwareHere, risingEdges, runOnFirmware, withLibrary } from '../firmware/helpers.mjs';

if (firmwareHere('host-tests/vocab/storm-fw.test.mjs')) {
  const test = suite('firmware: storms of set(data) and drop-oldest puts');
  const EDGES = 4000;
  const pins = risingEdges(5, EDGES, 0.25, 100);
  const endMs = 100 + EDGES * 0.25;
  // once every edge is recorded: a last collection, the consumer's turn, then the counters
  const report = `var poll = setInterval(function () { if (src.recorded() < ${EDGES}) return; clearInterval(poll); src.flush(); setTimeout(function () { console.log(line()); console.log('END'); }, 50); }, 20);`;
  const runs = {
    message: runOnFirmware(withLibrary(`
      var T = threadsafe, K = threadsafeKaluma; pinMode(5, INPUT_PULLDOWN);
      var m = new T.ThreadSafeMessage(), wakes = 0, last = -1, bad = 0;
      var src = new K.InterruptSource(5, m, { events: RISING, record: function (e, i) { return i; } });
      function loop() { m.wait().then(function (v) { m.clear(); if (v <= last) bad++; last = v; wakes++; loop(); }); }
      loop();
      function line() { return 'recorded ' + src.recorded() + ' delivered ' + src.delivered() + ' dropped ' + src.dropped() + ' pending ' + src.pending() + ' value ' + m.value() + ' wakes ' + wakes + ' bad ' + bad; }
      ${report}
    `, { min: true }), { ms: Math.round(endMs) + 3000, pins, until: 'END' }),
    queue: runOnFirmware(withLibrary(`
      var T = threadsafe, K = threadsafeKaluma; pinMode(5, INPUT_PULLDOWN);
      var q = new T.ThreadSafeQueue(new Array(16), { overflow: 'drop-oldest' }), batch = new Array(16), taken = 0, last = -1, bad = 0;
      var src = new K.InterruptSource(5, q, { events: RISING, record: function (e, i) { return i; } });
      function take() { q.ready().then(function () { var n = q.getManySync(batch); for (var i = 0; i < n; i++) { if (batch[i] <= last) bad++; last = batch[i]; } taken += n; take(); }); }
      take();
      function line() { return 'recorded ' + src.recorded() + ' delivered ' + src.delivered() + ' dropped ' + src.dropped() + ' pending ' + src.pending() + ' taken ' + taken + ' queued ' + q.qsize() + ' qdropped ' + q.dropped() + ' bad ' + bad; }
      ${report}
    `, { min: true }), { ms: Math.round(endMs) + 3000, pins, until: 'END' }),
  };

  test('4,000 edges at 4 kHz into a ThreadSafeMessage: no crash, every edge accounted for, the message holds the newest record, the task saw increasing values', async () => {
    const res = await runs.message;
    assert.is(res.crash, null, account(res));
    assert.is(res.code, 0, account(res));
    const c = counters(res.lines.find((l) => /^recorded /.test(l.text)).text);
    console.log('    message storm: ' + JSON.stringify(c));
    assert.is(c.recorded, EDGES);
    assert.is(c.delivered + c.dropped + c.pending, c.recorded);
    assert.is(c.value, EDGES - 1, 'the newest record');
    assert.is(c.bad, 0);
    assert.ok(c.wakes > 10 && c.wakes <= EDGES, `wakes ${c.wakes}`);
  });

  test("4,000 edges at 4 kHz into a 16-slot 'drop-oldest' queue: no crash, the consumer saw increasing items, taken + queued + dropped by the policy = every record", async () => {
    const res = await runs.queue;
    assert.is(res.crash, null, account(res));
    assert.is(res.code, 0, account(res));
    const c = counters(res.lines.find((l) => /^recorded /.test(l.text)).text);
    console.log('    drop-oldest storm: ' + JSON.stringify(c));
    assert.is(c.recorded, EDGES);
    assert.is(c.pending, 0, 'a drop-policy queue holds nothing back');
    assert.is(c.bad, 0);
    assert.is(c.taken + c.queued + c.qdropped, EDGES);
    assert.is(c.dropped, c.qdropped, "the policy's drops counted as the source's");
    assert.is(c.delivered + c.dropped, EDGES);
  });

  test.run();
}
