/**
 * The few Node.js declarations the shared-memory entry uses, declared here instead of
 * depending on @types/node (whose globals would clash with the Kaluma globals that the core's
 * program declares in src/kaluma/kaluma.d.ts; both programs see this file).
 */
declare module 'node:worker_threads' {
  /** False inside a worker_threads Worker. */
  export const isMainThread: boolean;
}

declare module 'node:timers' {
  /** A Node timer: `ref()` keeps the event loop alive while it is pending, `unref()` does not. */
  export interface NodeTimer {
    ref(): NodeTimer;
    unref(): NodeTimer;
  }
  export function setTimeout(callback: () => void, ms: number): NodeTimer;
  export function setInterval(callback: () => void, ms: number): NodeTimer;
}

// waiters.ts (the core's, bundled into this entry) uses the global timers; overloads merge
// with the Kaluma declarations where both are in one program.
declare function setTimeout(callback: () => void, ms: number): any;
declare function clearTimeout(id: any): void;
