/**
 * event: a timer sets a ThreadSafeEvent once a second; four waiters; one of them is cancelled
 * after 100 ms, in rotation. The Kaluma version of micropython-async THREADING.md §3.1.
 *
 * Wiring: none. The on-board LED (GP25) toggles at every "Cleared event".
 *
 * The "timer interrupt" is a TimerSource: Kaluma gives JS no hardware timer interrupt, and its
 * setInterval runs on the main loop, where `evt.set()` may be called directly. Kaluma has no
 * AbortController: the library's is used for the cancellation.
 *
 * Prints, one round per second (the cancelled waiter rotates 1, 2, 3, 4, 1, ...):
 *   Waiter 1 cancelled
 *   Waiter 2 got event
 *   Waiter 3 got event
 *   Waiter 4 got event
 *   Cleared event
 *   Waiter 2 cancelled
 *   Waiter 1 got event
 *   Waiter 3 got event
 *   Waiter 4 got event
 *   Cleared event
 *   ...
 *
 * Build and upload: npm run flash -- event --port /dev/ttyACM0
 */
import { AbortController, ThreadSafeEvent } from 'threadsafe';
import { TimerSource } from 'threadsafe/kaluma';

const evt = new ThreadSafeEvent();
const ticker = new TimerSource(evt, 1000); // the "timer interrupt": evt.set() every 1000 ms
pinMode(board.LED, OUTPUT);

function waiter(n: number, controller: AbortController | null): Promise<void> {
  const wait = controller === null ? evt.wait() : evt.wait({ signal: controller.signal });
  return wait.then(
    function () {
      console.log('Waiter ' + n + ' got event');
    },
    function (e: any) {
      if (e !== null && typeof e === 'object' && e.name === 'AbortError') console.log('Waiter ' + n + ' cancelled');
      else console.log('Waiter ' + n + ' failed: ' + e);
    },
  );
}

function cancelLater(controller: AbortController): void {
  setTimeout(function () {
    controller.abort();
  }, 100);
}

let nt = 0; // the waiter cancelled in this round (0-based)

function round(): void {
  const tasks: Promise<void>[] = [];
  for (let n = 0; n < 4; n++) {
    const controller = n === nt ? new AbortController() : null;
    tasks.push(waiter(n + 1, controller));
    if (controller !== null) cancelLater(controller);
  }
  Promise.all(tasks).then(function () {
    evt.clear();
    console.log('Cleared event');
    digitalToggle(board.LED);
    nt = (nt + 1) % 4;
    round();
  });
}

round();
// Keep a reference for the REPL: `ticker.stop()` ends the demo.
(globalThis as any).ticker = ticker;
