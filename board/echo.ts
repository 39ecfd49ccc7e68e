/**
 * echo: consecutive integers go out on one ThreadSafeQueue and come back on another, echoed by
 * the board's other context. The Kaluma version of micropython-async THREADING.md §2.2.3:
 * the RP2040's second core is not available to Kaluma programs, so the echo side is a main-loop
 * timer (the "other context" of THREADING.md's core_2): at every loop iteration it takes from
 * `toEcho` as many items as `fromEcho` has room for (`getManySync`) and echoes them
 * (`putManySync`): it cannot block as THREADING.md's `put_sync(x, block=True)` does on another core.
 * Sender and receiver move a batch per wake-up (`putManySync` of the room there is, then one
 * waiting `put()`; `ready()` then `getManySync()`): on Kaluma a wait costs a promise and a
 * `.then` (about 1 ms together), so one per item would cap the demo at a few hundred items/s.
 *
 * Wiring: none. The on-board LED (GP25) toggles at every line.
 *
 * Both queues are built on 10-slot buffers (9 items each), as in the seed. The receiver checks
 * `x == n` for every item (a mismatch prints "assert failed" and stops the demo) and prints a
 * line every 1000 items, about every 1.6 s on Kaluma 1.2.1 (measured on the firmware, emulated
 * RP2040: about 640 items/s): THREADING.md's 9-item queues cap each wake-up at 9 items, and each
 * wake-up costs a promise and a `.then` on both sides (about 1.4 ms of the ~14 ms a cycle takes):
 *   Received 1000 queue items.
 *   Received 2000 queue items.
 *   ...
 *
 * Build and upload: npm run flash -- echo --port /dev/ttyACM0
 */
import { ThreadSafeQueue } from 'threadsafe';

const toEcho = new ThreadSafeQueue<number>(new Array(10));
const fromEcho = new ThreadSafeQueue<number>(new Array(10));
pinMode(board.LED, OUTPUT);

// The other context (THREADING.md's core_2), at every main-loop iteration: takes from toEcho only as
// many items as fromEcho has room for and echoes them, one call each way (getManySync,
// putManySync), so nothing waits in between.
const moving = new Array<number>(9);
const echoTimer = setInterval(function () {
  const k = toEcho.getManySync(moving, fromEcho.maxsize() - fromEcho.qsize());
  fromEcho.putManySync(moving, 0, k);
}, 0);

// sender: await toEcho.put(x = x + 1), forever. Fills the room there is with one putManySync,
// then one put() that waits for room: one promise job per batch instead of one per item.
// (Counters are copied to locals in the loops: on Kaluma a variable of the program's top level
// is looked up by name at each use, a local is not.)
let x = 0;
const out = new Array<number>(9);
function send(): void {
  let v = x;
  const room = toEcho.maxsize() - toEcho.qsize();
  for (let i = 0; i < room; i++) out[i] = ++v;
  toEcho.putManySync(out, 0, room);
  x = ++v;
  toEcho.put(v).then(send);
}

// receiver: async for x in fromEcho, one wake-up per batch (ready() + getManySync()).
let n = 0;
const got = new Array<number>(9);
function receive(): void {
  fromEcho.ready().then(function () {
    const k = fromEcho.getManySync(got);
    let m = n;
    for (let i = 0; i < k; i++) {
      m = m + 1;
      if (got[i] !== m) {
        console.log('assert failed: received ' + got[i] + ', expected ' + m);
        clearInterval(echoTimer);
        return;
      }
      if (m % 1000 === 0) {
        console.log('Received ' + m + ' queue items.');
        digitalToggle(board.LED);
      }
    }
    n = m;
    receive();
  });
}

send();
receive();
// For the REPL and the simulation's summary: items sent and received so far.
(globalThis as any).echo = {
  sent: function () { return x; },
  received: function () { return n; },
};
