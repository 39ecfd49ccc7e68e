// "Core 2" of the echo example (scripts/echo-threads.mjs): takes integers from one shared
// queue and echoes them back through another, blocking with block=true on both sides, as the
// MicroPython example's core_2(). Ends when the main side closes its queue.
import { workerData } from 'node:worker_threads';
import { attach, QueueClosed } from '../dist/shared.mjs';

const [getq, putq] = workerData.map(attach);
const buf = [];
try {
  for (;;) {
    buf.push(getq.getSync(true)); // sleep (Atomics.wait) until the first item
    while (getq.qsize()) buf.push(getq.getSync()); // then take what is there without waiting
    for (const x of buf) putq.putSync(x, true); // wait if the queue fills
    buf.length = 0;
  }
} catch (e) {
  if (!(e instanceof QueueClosed)) throw e;
}
putq.close(); // end of stream: the main side's for await ends
