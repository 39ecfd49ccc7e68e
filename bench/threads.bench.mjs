// Items per second across threads (worker_threads): the shared-memory ThreadSafeQueue
// (dist/shared.mjs) against ringbuf.js 0.4.0 (a wait-free SPSC ring on a SharedArrayBuffer)
// and MessagePort.postMessage, measured in the same run.
//   - worker → worker: a producer worker sends 0, 1, 2, … to a consumer worker, which checks
//     every item is the next one. ThreadSafeQueue blocks on both sides (putSync(x, true) /
//     getSync(true)); ringbuf.js has no blocking, so both sides spin (push/pop one item,
//     retry when full/empty), which is how it is used from real-time threads; MessagePort
//     posts each number (no back-pressure) to a port handled by the consumer's event loop.
//   - worker → main thread: the consumer is the main thread's event loop: `for await` on our
//     queue against a MessagePort 'message' handler (ringbuf.js cannot wake an event loop).
// Each candidate is first checked to deliver every item once, in order (throws if not), then
// timed several times, interleaved; the value is the median. Timing starts when both sides
// are loaded and released together, and ends when the consumer has the last item.
import { Worker, MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { interleave, median } from './util.mjs';

export const title = 'Cross-thread queue (worker_threads): items/s, one producer, one consumer';

const SHARED = fileURLToPath(new URL('../dist/shared.cjs', import.meta.url));
const RINGBUF = fileURLToPath(new URL('../node_modules/ringbuf.js/dist/index.js', import.meta.url));
const ITEMS = 500000;
const RUNS = 3;

// Worker programs. Each waits on `go` (an Int32 word) before starting, and reports the time
// (ms since performance.timeOrigin of the MAIN thread, via the shared epoch) it finished.
const PRELUDE = `
  const { workerData, parentPort } = require('node:worker_threads');
  const { performance } = require('node:perf_hooks');
  const S = require(${JSON.stringify(SHARED)});
  const { RingBuffer } = require(${JSON.stringify(RINGBUF)});
  const go = new Int32Array(workerData.go);
  const abs = () => performance.timeOrigin + performance.now();
  const n = workerData.n;
  parentPort.postMessage('ready');
  Atomics.wait(go, 0, 0);
`;

const PROGRAMS = {
  'tsq-producer': `
    const q = S.ThreadSafeQueue.from(workerData.q);
    for (let i = 0; i < n; i++) q.putSync(i, true);
  `,
  'tsq-consumer': `
    const q = S.ThreadSafeQueue.from(workerData.q);
    let bad = 0;
    for (let i = 0; i < n; i++) if (q.getSync(true) !== i) bad++;
    parentPort.postMessage({ end: abs(), bad, count: n });
  `,
  'ring-producer': `
    const rb = new RingBuffer(workerData.sab, Float64Array);
    const one = new Float64Array(1);
    for (let i = 0; i < n; i++) { one[0] = i; while (rb.push(one) === 0); }
  `,
  'ring-consumer': `
    const rb = new RingBuffer(workerData.sab, Float64Array);
    const one = new Float64Array(1);
    let bad = 0;
    for (let i = 0; i < n; i++) { while (rb.pop(one) === 0); if (one[0] !== i) bad++; }
    parentPort.postMessage({ end: abs(), bad, count: n });
  `,
  'port-producer': `
    const port = workerData.port;
    for (let i = 0; i < n; i++) port.postMessage(i);
  `,
  'port-consumer': `
    const port = workerData.port;
    let i = 0, bad = 0;
    port.on('message', (x) => {
      if (x !== i) bad++;
      if (++i === n) { parentPort.postMessage({ end: abs(), bad, count: i }); port.close(); }
    });
  `,
};

function start(program, data, transfer = []) {
  const w = new Worker(PRELUDE + PROGRAMS[program], { eval: true, workerData: data, transferList: transfer });
  const ready = new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', (e) => reject(new Error(program + ' failed to start: ' + e.message)));
  });
  let failure = null;
  w.once('error', (e) => { failure = e; });
  // Only consumers report; a producer's result is never awaited.
  const result = program.endsWith('-consumer') ? new Promise((resolve, reject) => {
    w.on('message', (m) => { if (m !== 'ready') resolve(m); });
    w.once('exit', (code) => reject(failure || new Error(program + ' exited (' + code + ') before reporting')));
  }) : null;
  return { w, ready, result };
}

/** Runs producer and consumer workers; resolves with { itemsPerSecond, bad, count }. */
async function workerToWorker(kind, slots, n) {
  const go = new SharedArrayBuffer(4);
  let pData, cData, pTransfer = [], cTransfer = [];
  if (kind === 'tsq') {
    // ours: `slots` slots hold slots-1 items
    const { ThreadSafeQueue } = await import('../dist/shared.mjs');
    const q = new ThreadSafeQueue(slots, 'float64');
    pData = { go, n, q: q.share() };
    cData = { go, n, q: q.share() };
  } else if (kind === 'ring') {
    const { RingBuffer } = await import('ringbuf.js');
    const sab = RingBuffer.getStorageForCapacity(slots - 1, Float64Array); // the same number of items
    pData = { go, n, sab };
    cData = { go, n, sab };
  } else {
    const { port1, port2 } = new MessageChannel();
    pData = { go, n, port: port1 };
    cData = { go, n, port: port2 };
    pTransfer = [port1];
    cTransfer = [port2];
  }
  const c = start(kind + '-consumer', cData, cTransfer);
  const p = start(kind + '-producer', pData, pTransfer);
  await Promise.all([c.ready, p.ready]);
  const t0 = performance.timeOrigin + performance.now();
  Atomics.store(new Int32Array(go), 0, 1);
  Atomics.notify(new Int32Array(go), 0);
  const r = await c.result;
  await Promise.all([c.w.terminate(), p.w.terminate()]);
  return { itemsPerSecond: (r.count / (r.end - t0)) * 1000, bad: r.bad, count: r.count };
}

/** A producer worker and the main thread's event loop as consumer. */
async function workerToMain(kind, slots, n) {
  const go = new SharedArrayBuffer(4);
  let p;
  let consume;
  if (kind === 'tsq') {
    const { ThreadSafeQueue } = await import('../dist/shared.mjs');
    const q = new ThreadSafeQueue(slots, 'float64');
    p = start('tsq-producer', { go, n, q: q.share() });
    consume = async () => {
      let i = 0, bad = 0;
      for await (const x of q) {
        if (x !== i) bad++;
        if (++i === n) break;
      }
      return { bad, count: i };
    };
  } else {
    const { port1, port2 } = new MessageChannel();
    p = start('port-producer', { go, n, port: port1 }, [port1]);
    consume = () => new Promise((resolve) => {
      let i = 0, bad = 0;
      port2.on('message', (x) => {
        if (x !== i) bad++;
        if (++i === n) { port2.close(); resolve({ bad, count: i }); }
      });
    });
  }
  await p.ready;
  const t0 = performance.now();
  Atomics.store(new Int32Array(go), 0, 1);
  Atomics.notify(new Int32Array(go), 0);
  const r = await consume();
  const ms = performance.now() - t0;
  await p.w.terminate();
  return { itemsPerSecond: (r.count / ms) * 1000, bad: r.bad, count: r.count };
}

function check(name, r, n) {
  if (r.bad !== 0 || r.count !== n) throw new Error(`${name}: ${r.bad} items out of order, ${r.count} of ${n} received`);
}

export default async function run() {
  const w2w = [
    { name: 'ThreadSafeQueue 16 slots', f: () => workerToWorker('tsq', 16, ITEMS) },
    { name: 'ringbuf.js 15 items (spin)', f: () => workerToWorker('ring', 16, ITEMS) },
    { name: 'ThreadSafeQueue 1024 slots', f: () => workerToWorker('tsq', 1024, ITEMS) },
    { name: 'ringbuf.js 1023 items (spin)', f: () => workerToWorker('ring', 1024, ITEMS) },
    { name: 'MessagePort.postMessage', f: () => workerToWorker('port', 0, ITEMS) },
  ];
  const w2m = [
    { name: 'ThreadSafeQueue 16 slots, for await', f: () => workerToMain('tsq', 16, ITEMS) },
    { name: 'ThreadSafeQueue 1024 slots, for await', f: () => workerToMain('tsq', 1024, ITEMS) },
    { name: 'MessagePort.postMessage, on message', f: () => workerToMain('port', 0, ITEMS) },
  ];
  // Correctness first: every candidate, every item once, in order.
  for (const c of [...w2w, ...w2m]) check(c.name, await c.f(), ITEMS);
  const a = (await interleave(w2w, RUNS, async (c) => (await c.f()).itemsPerSecond)).map(median);
  const b = (await interleave(w2m, RUNS, async (c) => (await c.f()).itemsPerSecond)).map(median);
  const note = `${ITEMS} numbers, median of ${RUNS}; ringbuf.js spins on both sides (no blocking), ours sleeps in Atomics.wait after a short spin`;
  return [
    {
      name: `worker → worker, 16 slots, ${ITEMS} items`, unit: 'items/s', value: a[0], higherIsBetter: true,
      peers: [{ name: 'ringbuf.js 0.4.0 (15 items, spinning)', value: a[1] }, { name: 'MessagePort.postMessage', value: a[4] }],
      note,
    },
    {
      name: `worker → worker, 1024 slots, ${ITEMS} items`, unit: 'items/s', value: a[2], higherIsBetter: true,
      peers: [{ name: 'ringbuf.js 0.4.0 (1023 items, spinning)', value: a[3] }, { name: 'MessagePort.postMessage', value: a[4] }],
      note,
    },
    {
      name: `worker → main thread (for await), 16 slots, ${ITEMS} items`, unit: 'items/s', value: b[0], higherIsBetter: true,
      peers: [{ name: 'MessagePort.postMessage to a main-thread handler', value: b[2] }],
      note: 'the main thread wakes through Atomics.waitAsync; ringbuf.js has no way to wake an event loop',
    },
    {
      name: `worker → main thread (for await), 1024 slots, ${ITEMS} items`, unit: 'items/s', value: b[1], higherIsBetter: true,
      peers: [{ name: 'MessagePort.postMessage to a main-thread handler', value: b[2] }],
    },
  ];
}
