/**
 * event-async: the `event` demo written with async functions, as micropython-async's
 * examples are (THREADING.md §3.1): a timer sets a ThreadSafeEvent once a second; four
 * waiters; one of them is cancelled after 100 ms, in rotation. Same output as board/event.ts.
 *
 * Kaluma only: the build compiles a program that uses async functions to ES2018 syntax, which
 * Kaluma's engine runs natively (no TypeScript helpers); Espruino has no async functions.
 * Imports the library by its package name, as a program of your own does.
 *
 * Wiring: none. The on-board LED (GP25) toggles at every "Cleared event".
 *
 * Prints, one round per second (the cancelled waiter rotates 1, 2, 3, 4, 1, ...):
 *   Waiter 1 cancelled
 *   Waiter 2 got event
 *   Waiter 3 got event
 *   Waiter 4 got event
 *   Cleared event
 *   ...
 *
 * Try it: npm run sim -- event-async; npm run emulate -- event-async
 * Build and upload: npm run flash -- event-async --port /dev/ttyACM0
 */
import { AbortController, ThreadSafeEvent } from 'threadsafe';
import { TimerSource } from 'threadsafe/kaluma';

const evt = new ThreadSafeEvent();
const ticker = new TimerSource(evt, 1000); // the "timer interrupt": evt.set() every 1000 ms
pinMode(board.LED, OUTPUT);

/**
 * Resolves null when `p` fulfils, or the reason it rejected. Kaluma's engine reports a
 * rejection consumed by `await` as "Uncaught (in promise)" even inside try/catch (measured on
 * the 1.2.1 firmware), so a wait that can be cancelled is awaited through this instead.
 */
function failure(p: Promise<unknown>): Promise<any> {
  return p.then(fulfilled, rejected);
}
function fulfilled(): null {
  return null;
}
function rejected(e: unknown): unknown {
  return e === null || e === undefined ? new Error('rejected with ' + e) : e;
}

async function waiter(n: number, controller: AbortController | null): Promise<void> {
  const e = await failure(controller === null ? evt.wait() : evt.wait({ signal: controller.signal }));
  if (e === null) console.log('Waiter ' + n + ' got event');
  else if (typeof e === 'object' && e.name === 'AbortError') console.log('Waiter ' + n + ' cancelled');
  else console.log('Waiter ' + n + ' failed: ' + e);
}

function cancelLater(controller: AbortController): void {
  setTimeout(function () {
    controller.abort();
  }, 100);
}

async function main(): Promise<void> {
  for (let nt = 0; ; nt = (nt + 1) % 4) {
    const tasks: Promise<void>[] = [];
    for (let n = 0; n < 4; n++) {
      const controller = n === nt ? new AbortController() : null;
      tasks.push(waiter(n + 1, controller));
      if (controller !== null) cancelLater(controller);
    }
    await Promise.all(tasks);
    evt.clear();
    console.log('Cleared event');
    digitalToggle(board.LED);
  }
}

main();
// Keep a reference for the REPL: `ticker.stop()` ends the demo.
(globalThis as any).ticker = ticker;
