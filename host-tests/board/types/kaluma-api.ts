// Type tests of the Kaluma entry's public API (dist/threadsafe-kaluma.d.ts), checked by
// host-tests/board/typecheck.test.mjs: each `@ts-expect-error` line must fail to compile.
import { InterruptSource, TimerSource, WatchSource } from '../../../dist/threadsafe-kaluma';
import { ThreadSafeEvent, ThreadSafeQueue } from '../../../dist/threadsafe';

const evt = new ThreadSafeEvent();
const q = new ThreadSafeQueue<number>(new Int32Array(16));
const src = new InterruptSource(15, q, { events: 8, pollMs: 0, idle: true });
const n: number = src.overruns() + src.recorded() + src.pending() + src.delivered();
src.detach();
new InterruptSource(15, evt);
new WatchSource(14, evt, { events: 4, debounce: 20 });
new TimerSource(q, 10, { record: (_events: number, tick: number) => tick * 2 });
const labels = new ThreadSafeQueue<string>(new Array<string>(8));
new InterruptSource<string>(16, labels, { record: (events) => (events === 8 ? 'rise' : 'fall') });

// @ts-expect-error a target needs set() or putSync()
new InterruptSource(15, {});
// @ts-expect-error pollMs is a number of milliseconds
new InterruptSource(15, evt, { pollMs: '1' });
// @ts-expect-error debounce is a number of milliseconds
new WatchSource(14, evt, { debounce: true });
// @ts-expect-error the period is required
new TimerSource(evt);
export { n };
