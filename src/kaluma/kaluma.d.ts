/**
 * Declarations of the Kaluma 1.2.1 globals (Kaluma ships no typings and `@types/kaluma` is not
 * on the registry): every global the 1.2.1 firmware defines beyond standard JavaScript, held in
 * agreement with the firmware and the host simulation by a test. Values and behaviour from
 * `src/global.c` and `src/io.c` of Kaluma 1.2.1; see docs/platform.md. A program of one's own
 * gets them with `/// <reference types="threadsafe/kaluma-globals" />` (the toolchain's build
 * adds them itself).
 */

/** Pin level 0. */
declare const LOW: 0;
/** Pin level 1. */
declare const HIGH: 1;
/** pinMode: input (floating). */
declare const INPUT: 0;
/** pinMode: output. */
declare const OUTPUT: 1;
/** pinMode: input with the internal pull-up. */
declare const INPUT_PULLUP: 2;
/** pinMode: input with the internal pull-down. */
declare const INPUT_PULLDOWN: 3;
/** setWatch: while the pin reads 0 (every loop iteration). */
declare const LOW_LEVEL: 1;
/** setWatch: while the pin reads 1 (every loop iteration). */
declare const HIGH_LEVEL: 2;
/** Edge 1 → 0. */
declare const FALLING: 4;
/** Edge 0 → 1. */
declare const RISING: 8;
/** Either edge (FALLING | RISING); also what an interrupt reports when both edges latched. */
declare const CHANGE: 12;

declare function pinMode(pin: number | number[], mode?: number): void;
declare function digitalRead(pin: number | number[]): number;
declare function digitalWrite(pin: number | number[], value: number): void;
declare function digitalToggle(pin: number | number[]): void;
/** PWM: a square wave of `frequency` Hz (default 490) and duty `value` 0..1 (default 0.5) on `pin`. */
declare function analogWrite(pin: number, value?: number, frequency?: number): void;
/**
 * Polled once per main-loop iteration; the callback runs on the main loop with `(pin)`.
 * Returns the watch id for `clearWatch`. A callback that throws is removed.
 */
declare function setWatch(callback: (pin: number) => void, pin: number, events?: number, debounce?: number): number;
declare function clearWatch(id: number): void;
/**
 * The callback runs INSIDE the GPIO hardware interrupt with `(pin, events)`: it may touch only
 * primitive variables (no object, call, allocation, `this`, throw). One callback per pin. The
 * firmware releases the callback once per interrupt without taking a reference: keep your own.
 * `events` must include RISING or FALLING (RangeError otherwise).
 */
declare function attachInterrupt(pin: number, callback: (pin: number, events: number) => void, events?: number): void;
declare function detachInterrupt(pin: number): void;
/** Re-enables GPIO interrupts; edges that arrived while disabled are dropped. */
declare function enableInterrupts(): void;
declare function disableInterrupts(): void;
/** Kaluma: `delay` is required (throws without a number); extra arguments are not passed. */
declare function setTimeout(callback: () => void, delay: number): number;
/** Keeps its phase: fires in bursts after a stall. A callback that throws stops the interval. */
declare function setInterval(callback: () => void, delay: number): number;
/** Throws on `undefined`: only call it with an id. */
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;
/** Busy-waits `ms` milliseconds: the main loop (timers, watches, promise jobs) stops meanwhile. */
declare function delay(ms: number): void;
declare function delayMicroseconds(us: number): void;
/** Milliseconds since boot. */
declare function millis(): number;
/** Microseconds since boot. */
declare function micros(): number;
declare function print(...values: unknown[]): void;

declare const console: {
  log(...values: unknown[]): void;
  error(...values: unknown[]): void;
};

declare const board: {
  /** "pico" on the Raspberry Pi Pico. */
  readonly name: string;
  /** The on-board LED pin: 25 on the Pico. */
  readonly LED: number;
};

/** Analog input 0.0..1.0 on an ADC pin (GP26..GP28); RangeError on another pin. */
declare function analogRead(pin: number): number;
/** A tone (PWM) on `pin`: `frequency` Hz (default 261.626); `duration` ms (0: until noTone), `duty` 0..1, `inversion` pin. */
declare function tone(pin: number, frequency?: number, options?: { duration?: number; duty?: number; inversion?: number }): void;
declare function noTone(pin: number): void;

declare const process: {
  /** "rp2" on the Pico. */
  readonly platform: string;
  readonly arch: string;
  /** Kaluma's version, e.g. "1.2.1". */
  readonly version: string;
  /** The JS heap in bytes: heapTotal 184,312 on the Pico; heapUsed counts parsed code too. */
  memoryUsage(): { heapTotal: number; heapUsed: number; heapPeak: number };
};

/** The global object (as globalThis). */
declare const global: typeof globalThis;

/** Edge timings in µs on `pin`, from `startState` if given: `count` changes, or what came within `timeout` µs (default 1 s); null when none. Blocks meanwhile. */
declare function pulseRead(pin: number, count: number, options?: {
  timeout?: number;
  startState?: number;
  mode?: number;
  trigger?: { pin?: number; startState?: number; interval?: number[] };
}): number[] | null;
/** Writes pulses on `pin`: `startState`, then toggles after each of `interval` µs; returns `interval.length`. Blocks meanwhile. */
declare function pulseWrite(pin: number, startState: number, interval: number[]): number;
/** Seeds the generator behind Math.random() (the same seed gives the same sequence). */
declare function seed(seed: number): void;
/** Base64 of a binary string or bytes. */
declare function btoa(data: string | Uint8Array): string;
/** The bytes of a base64 string. */
declare function atob(encoded: string): Uint8Array;

declare class TextEncoder {
  constructor(label?: 'ascii' | 'utf-8');
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: 'ascii' | 'utf-8');
  readonly encoding: string;
  decode(input?: Uint8Array): string;
}
/** A system error of the firmware: `errno` and its name `code`. */
declare class SystemError extends Error {
  readonly errno: number;
  readonly code: string;
}

/** Key/value strings kept in the board's flash (survive a reset). */
declare const storage: {
  setItem(key: string, value: string): void;
  /** null when absent. */
  getItem(key: string): string | null;
  removeItem(key: string): void;
  clear(): void;
  /** The key at `index`, or null. */
  key(index: number): string | null;
  readonly length: number;
};

/** Built-in modules only: a program must be one self-contained file. Typed for the modules in modules.d.ts. */
declare function require(name: 'gpio'): typeof import('gpio');
declare function require(name: 'pwm'): typeof import('pwm');
declare function require(name: 'adc'): typeof import('adc');
declare function require(name: 'led'): typeof import('led');
declare function require(name: 'button'): typeof import('button');
declare function require(name: 'events'): typeof import('events');
declare function require(name: string): any;
