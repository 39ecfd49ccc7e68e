// micropython-async THREADING.md's echo example (§2.2.3) on Node: a worker plays "core 2", echoing integers back through a
// second queue with block=true; the main side sends with `await put` and consumes with
// `for await`, asserting x == n and printing every 1000 items.
//   npm run echo                      10,000 items
//   node scripts/echo-threads.mjs 100000
//   node scripts/echo-threads.mjs --forever      (Ctrl-C to stop)
import { Worker } from 'node:worker_threads';
import { ThreadSafeQueue, watchWorker } from '../dist/shared.mjs';

const arg = process.argv[2];
const total = arg === '--forever' ? Infinity : arg === undefined ? 10000 : Number(arg);
if (!(total > 0)) throw new RangeError('echo-threads: the item count must be a number > 0 or --forever, got ' + arg);

const toCore2 = new ThreadSafeQueue(10, 'float64');
const fromCore2 = new ThreadSafeQueue(10, 'float64');
const worker = new Worker(new URL('./echo-worker.mjs', import.meta.url), {
  workerData: [toCore2.share(), fromCore2.share()],
});
watchWorker(worker, toCore2, fromCore2); // if core 2 dies, the loops below end instead of hanging

async function sender() {
  for (let x = 1; x <= total; x++) await toCore2.put(x);
  toCore2.close();
}

const started = Date.now();
sender().catch((e) => console.error('sender:', e.message));
let n = 0;
for await (const x of fromCore2) {
  n++;
  if (x !== n) throw new Error(`echo-threads: expected ${n}, received ${x}`);
  if (x % 1000 === 0) console.log(`Received ${x} queue items.`);
}
if (n !== total) throw new Error(`echo-threads: the stream ended after ${n} of ${total} items (did the worker die?)`);
const s = (Date.now() - started) / 1000;
console.log(`Done: ${n} items echoed through two 10-slot queues in ${s.toFixed(2)} s (${Math.round(n / s)} items/s round trip).`);
