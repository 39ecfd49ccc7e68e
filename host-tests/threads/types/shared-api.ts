// Type tests of dist/shared.d.ts (run by ../types.test.mjs): lines under `// @ts-expect-error`
// must fail to compile, the others must compile. No @types/node: the entry's types stand alone.
import {
  attach, ClosedError, QueueClosed, SharedQueueHandle, ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue, TimeoutError,
  watchWorker, WaitOptions,
} from '../../../dist/shared';

const q = new ThreadSafeQueue(16, 'int32');
q.putSync(1);
q.putSync(1, true);
q.putSync(1, true, 100);
const n: number = q.getSync(true, 50);
// @ts-expect-error items are numbers
q.putSync('x');
// @ts-expect-error the slot type is one of three names
new ThreadSafeQueue(16, 'int8');
// @ts-expect-error getSync gives a number
const s: string = q.getSync();
const h: SharedQueueHandle = q.share();
const q2: ThreadSafeQueue = ThreadSafeQueue.from(h);
const q3: ThreadSafeQueue = attach(h);
// @ts-expect-error a queue handle does not make an event
const e0: ThreadSafeEvent = attach(h);
async function consume(): Promise<number> {
  let sum = 0;
  for await (const x of q2) sum += x;
  const opts: WaitOptions = { timeout: 10 };
  return sum + (await q3.get(opts)) + q.qsize() + q.maxsize() + (q.empty() ? 0 : 1) + (q.full() ? 0 : 1);
}

const evt = ThreadSafeEvent.from(new ThreadSafeEvent().share());
evt.set();
evt.clear();
const b: boolean = evt.isSet() && evt.closed();
const waited: Promise<void> = evt.wait({ timeout: 5 });
evt.waitSync(10);
const f = attach(new ThreadSafeFlag().share());
f.set();
const fw: Promise<void> = f.wait();
// @ts-expect-error a flag has no waitSync with a string timeout
f.waitSync('10');

declare const worker: { once(event: 'exit', listener: (code: number) => void): unknown };
watchWorker(worker, q, evt, f);
// @ts-expect-error watchWorker closes objects with close()
watchWorker(worker, 42);

const errors: Error[] = [new ClosedError('x'), new QueueClosed('y'), new TimeoutError('z')];
export { consume, n, s, e0, b, waited, fw, errors };
