/**
 * The few Espruino globals the Espruino sources use that Kaluma's declarations
 * (../kaluma/kaluma.d.ts) do not have. setWatch and clearWatch are declared there with Kaluma's
 * signature; watch-source.ts calls them through the Espruino signature below.
 */

/** What Espruino passes a `setWatch` callback: the pin's level after the edge and when it happened. */
interface EspruinoWatchEvent {
  /** The level after the edge (true: high). */
  state: boolean;
  /** When the GPIO interrupt saw the edge, in seconds (getTime()'s clock). */
  time: number;
  /** The previous edge's time (only with a debounce or `edge: 'both'`). */
  lastTime?: number;
}

/** Espruino's `E`: only what the library uses. */
declare const E: {
  /** Reads and clears Espruino's error flags, e.g. ['FIFO_FULL']. */
  getErrorFlags(): string[];
  /** 'errorFlag': called from the main loop with the flags newly set (not those already set). */
  on(event: string, listener: (flags: string[]) => void): void;
};
