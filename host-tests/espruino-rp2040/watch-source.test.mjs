// threadsafe/espruino on the chip: WatchSource and TimerSource in Espruino's own RP2040 port,
// the pins driven at exact emulated times (watch.js: what each pin's source feeds and prints).
// Where the port is absent the tier prints why and registers nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { chipMissing, onChip } from './chip.mjs';
import { read } from '../espruino/programs.mjs';

const test = suite('threadsafe/espruino on the RP2040 port: WatchSource, TimerSource');
const missing = chipMissing();

/** The pin script: [{ atMs, pin, level, initial? }] in ms after load(). */
function pins() {
  const p = [];
  const at = (pin, levels, initial) => levels.forEach(([atMs, level], i) => p.push(i === 0 ? { atMs, pin, level, initial } : { atMs, pin, level }));
  at(8, [[50, 1]], 0); // the program's timeline starts
  // (the TimerSource ticks from 50 to 160 ms, alone; no two pins change in the same ms: the GPIO
  // interrupt stamps simultaneous edges one after another, tens of µs apart)
  at(2, [[200, 1], [250, 0], [300, 1], [360, 0]], 0); // both edges, 50, 50, 60 ms apart
  at(3, [[203, 1], [218, 0], [233, 1], [248, 0], [273, 1]], 0); // three rising edges, 30 and 40 ms apart
  at(4, [[206, 0], [207, 1], [208, 0]], 1); // a falling edge that bounces, then stays low
  at(5, [[209, 1], [219, 0], [229, 1], [239, 0], [249, 1]], 0); // five edges, room for two
  at(6, [[212, 1], [232, 0], [362, 1]], 0); // two edges, the queue closed at 300, one more
  at(9, [[380, 1], [390, 0]], 0); // a message: woken with the first record, keeps the last
  const storm = [];
  for (let i = 0; i < 1000; i++) storm.push([450 + i * 0.05, (i + 1) % 2]); // 1000 edges at 20 kHz from 450 ms: GP6 is detached well before (the main loop handles its 362 ms edge 30-50 ms late; from 400 ms the margin was a few ms, and a change of the queue's method order ate it)
  at(7, storm, 0);
  return p;
}

const EXPECTED = [
  "bad pin: TypeError undefined: WatchSource: pin must be a pin (D0, D14, ... or its number), got the string \"D9\"",
  'ERROR: Invalid pin',
  'pin 40: TypeError RangeError: WatchSource: setWatch refused pin 40 (not a pin of this board)',
  "edge: TypeError undefined: WatchSource: options.edge must be 'rising', 'falling' or 'both', got the string \"up\"",
  'debounce: TypeError RangeError: WatchSource: options.debounce must be a number of ms from 0 to 2147483647 (about 24.8 days), got -1',
  'option: TypeError undefined: WatchSource: unknown option "events" (the options are edge, debounce, record)',
  'target: TypeError undefined: WatchSource: target must be a ThreadSafeEvent/ThreadSafeFlag/ThreadSafeMessage (has set()) or a ThreadSafeQueue (has putSync()), got an object',
  'without new: TypeError undefined: WatchSource: a constructor: call it with new',
  'GP2 states true,false,true,false indexes 0,1,2,3',
  'GP2 ms between edges 50.0,50.0,60.0',
  'GP2 seen 4 dropped 0',
  'GP3 3 rising edges, ms apart 30.0,40.0',
  'GP4 seen 1 isSet true woke true',
  'GP5 seen 5 dropped 3 qsize 2 lastError QueueFull',
  'GP6 seen 3 dropped 1 attached false qsize 2 lastError QueueClosed',
  'GP7 seen<1000 true overruns>=1 true woke true flags now []',
  'overruns on every attached source: GP2 true, GP6 (detached before) 0',
  'GP9 woke with high0, value low1, seen 2',
  'timer ticks 5 running false items 1,2,3,4,5',
  'detach twice: attached false',
  'DONE',
];

if (missing) {
  console.log('  threadsafe/espruino chip tests skipped: ' + missing);
} else {
  let run;
  test.before(() => {
    const source = read('dist/threadsafe.js') + '\n' + read('dist/threadsafe-espruino.js') + '\n' + readFileSync(new URL('./watch.js', import.meta.url), 'utf8');
    run = onChip(source, { ms: 4000, pins: pins() });
  });

  test('edges reach a queue with their state and e.time, an event through a debounce, a message as its data, a flag through a storm; full and closed queues, FIFO overruns and bad arguments are counted or refused', async () => {
    const { code, texts, stderr } = await run;
    assert.equal(texts.filter((t) => t !== 'New interpreter error: FIFO_FULL'), EXPECTED);
    assert.ok(texts.includes('New interpreter error: FIFO_FULL'), 'Espruino itself reports the overflow the storm caused');
    assert.is(code, 0, stderr);
  });
}

test.run();
