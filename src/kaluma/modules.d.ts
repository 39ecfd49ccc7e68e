/**
 * Declarations of Kaluma 1.2.1's built-in modules a board program uses with pins, interrupts
 * and timers: `require('gpio')`, `pwm`, `adc`, `led`, `button` (and `events`, Button's base).
 * Kaluma ships no typings. Taken from the Kaluma API docs (kaluma-project.github.io,
 * docs/api/<module>.md) and checked against the 1.2.1 firmware itself (the members each class
 * has there: host-tests/firmware/kaluma-typings.test.mjs). Use them with `require`:
 *
 *   import type { GPIO as GPIOType } from 'gpio';   // or just: const { GPIO } = require('gpio');
 *   const { GPIO } = require('gpio') as typeof import('gpio');
 *
 * The global functions (pinMode, attachInterrupt, ...) are in kaluma.d.ts.
 */

declare module 'gpio' {
  /** A GPIO pin. `mode` INPUT (default), OUTPUT, INPUT_PULLUP or INPUT_PULLDOWN. */
  export class GPIO {
    constructor(pin: number, mode?: number);
    /** The pin number. */
    readonly pin: number;
    /** The current mode: INPUT, OUTPUT, INPUT_PULLUP or INPUT_PULLDOWN. */
    readonly mode: number;
    /** HIGH (1) or LOW (0). */
    read(): number;
    /** Writes HIGH (1) or LOW (0). */
    write(value: number): void;
    toggle(): void;
    low(): void;
    high(): void;
    setMode(mode: number): void;
    /**
     * attachInterrupt on this pin: the callback runs INSIDE the GPIO hardware interrupt with
     * `(pin, events)` and may touch only primitive variables (see attachInterrupt). `event`
     * FALLING, RISING or CHANGE (default). Edge events only: use setWatch for levels.
     */
    irq(callback: (pin: number, events: number) => void, event?: number): void;
  }
}

declare module 'pwm' {
  /** A PWM output: `frequency` in Hz (default 490), `duty` 0.0..1.0 (default 1.0). */
  export class PWM {
    constructor(pin: number, frequency?: number, duty?: number);
    /** Starts the signal. */
    start(): void;
    stop(): void;
    getFrequency(): number;
    setFrequency(frequency: number): void;
    /** 0.0..1.0. */
    getDuty(): number;
    /** 0.0..1.0. */
    setDuty(duty: number): void;
    /** Releases the pin. */
    close(): void;
  }
}

declare module 'adc' {
  /** An analog input (GP26..GP28 on the Pico). */
  export class ADC {
    constructor(pin: number);
    readonly pin: number;
    /** 0.0..1.0; throws RangeError when the pin has no ADC function. */
    read(): number;
  }
}

declare module 'led' {
  /** An LED on a pin (sets the pin to OUTPUT). */
  export class LED {
    constructor(pin: number);
    readonly pin: number;
    on(): void;
    off(): void;
    toggle(): void;
    /** 1 on, 0 off. */
    read(): number;
  }
}

declare module 'events' {
  /** Kaluma's EventEmitter (Node-like subset). */
  export class EventEmitter {
    constructor();
    on(event: string, listener: (...args: any[]) => void): this;
    addListener(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    removeListener(event: string, listener: (...args: any[]) => void): this;
    removeAllListeners(event?: string): this;
    emit(event: string, ...args: any[]): boolean;
    listeners(event: string): Array<(...args: any[]) => void>;
    listenerCount(event: string): number;
  }
}

declare module 'button' {
  import { EventEmitter } from 'events';
  export interface ButtonOptions {
    /** Pin mode; default INPUT_PULLUP. */
    mode?: number;
    /** FALLING (default), RISING or CHANGE. */
    event?: number;
    /** Debounce in ms; default 50. */
    debounce?: number;
  }
  /**
   * A push button: emits 'click' on the main loop (it uses setWatch, polled once per loop
   * iteration, so it is never an interrupt).
   */
  export class Button extends EventEmitter {
    constructor(pin: number, options?: ButtonOptions);
    /** HIGH (1) or LOW (0). */
    read(): number;
    /** Stops watching the pin. */
    close(): void;
    on(event: 'click', listener: () => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }
}
