/**
 * The Node.js declarations Context (context.ts) uses beyond node.d.ts: a Worker, workerData and
 * the structured-clone serializer (node:v8). Declared here instead of depending on @types/node.
 */
declare module 'node:worker_threads' {
  /** The data the creating thread passed (a structured clone); null on the main thread. */
  export const workerData: any;
  export class Worker {
    constructor(filename: string | import('node:url').URL, options?: { workerData?: unknown });
    readonly threadId: number;
    once(event: 'exit', listener: (code: number) => void): this;
    once(event: 'error', listener: (err: unknown) => void): this;
    on(event: 'error', listener: (err: unknown) => void): this;
    terminate(): Promise<number>;
    ref(): void;
    unref(): void;
  }
}

declare module 'node:v8' {
  /** The structured-clone bytes of `value` (throws for a function, a symbol, ...). */
  export function serialize(value: unknown): Uint8Array;
  export function deserialize(bytes: Uint8Array): any;
}

declare module 'node:url' {
  /** A WHATWG URL (a worker file given as `new URL('./jobs.mjs', import.meta.url)`). */
  export class URL {
    constructor(input: string, base?: string | URL);
    readonly href: string;
  }
}
