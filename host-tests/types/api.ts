// Type tests of the public API, checked by `tsc -p host-tests/types` in `npm test`:
// each `@ts-expect-error` line must fail to compile, or tsc reports it as unused.
import { ThreadSafeEvent, ThreadSafeQueue } from '../../dist/threadsafe';

const q = new ThreadSafeQueue(new Int16Array(8));
q.putSync(1);
// @ts-expect-error a number queue does not take strings
q.putSync('x');

const evt = new ThreadSafeEvent();
// @ts-expect-error timeout is a number of milliseconds
evt.wait({ timeout: '10' });
