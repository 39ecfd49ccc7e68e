/**
 * echo: consecutive integers go out on one ThreadSafeQueue and come back on another, echoed by
 * the board's other context. The Kaluma version of micropython-async THREADING.md §2.2.3:
 * the RP2040's second core is not available to Kaluma programs, so the echo side is a main-loop
 * timer (the "other context" of the seed's core_2): at every loop iteration it takes from
 * `toEcho` as many items as `fromEcho` has room for (`getManySync`) and echoes them with
 * `putSync()` (it cannot block as the seed's `put_sync(x, block=True)` does on another core).
 * Sender and receiver move a batch per wake-up (`putSync` while there is room, then one waiting
 * `put()`; `ready()` then `getManySync()`): a promise job costs about 1 ms on Kaluma, so one
 * job per item would cap the demo at a few hundred items/s.
 *
 * Wiring: none. The on-board LED (GP25) toggles at every line.
 *
 * Both queues are built on 10-slot buffers (9 items each), as in the seed. The receiver checks
 * `x == n` for every item (a mismatch prints "assert failed" and stops the demo) and prints a
 * line every 1000 items, about once a second:
 *   Received 1000 queue items.
 *   Received 2000 queue items.
 *   ...
 *
 * Build and upload: npm run flash -- echo --port /dev/ttyACM0
 */
import { ThreadSafeQueue } from '../src/index';

const toEcho = new ThreadSafeQueue<number>(new Array(10));
const fromEcho = new ThreadSafeQueue<number>(new Array(10));
pinMode(board.LED, OUTPUT);

// The other context (the seed's core_2), at every main-loop iteration: takes from toEcho only as
// many items as fromEcho has room for, and echoes them, so nothing waits in between.
const moving = new Array<number>(9);
const echoTimer = setInterval(function () {
  const n = toEcho.getManySync(moving, fromEcho.maxsize() - fromEcho.qsize());
  for (let i = 0; i < n; i++) fromEcho.putSync(moving[i]);
}, 0);

// sender: await toEcho.put(x = x + 1), forever. putSync() while there is room, then one
// put() that waits for room: one promise job per batch instead of one per item.
let x = 0;
function send(): void {
  while (!toEcho.full()) toEcho.putSync(++x);
  toEcho.put(++x).then(send);
}

// receiver: async for x in fromEcho, one wake-up per batch (ready() + getManySync()).
let n = 0;
const got = new Array<number>(9);
function receive(): void {
  fromEcho.ready().then(function () {
    const k = fromEcho.getManySync(got);
    for (let i = 0; i < k; i++) {
      n = n + 1;
      if (got[i] !== n) {
        console.log('assert failed: received ' + got[i] + ', expected ' + n);
        clearInterval(echoTimer);
        return;
      }
      if (n % 1000 === 0) {
        console.log('Received ' + n + ' queue items.');
        digitalToggle(board.LED);
      }
    }
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
