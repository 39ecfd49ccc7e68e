// Type tests of the Kaluma 1.2.1 declarations a board program uses (src/kaluma/kaluma.d.ts,
// src/kaluma/modules.d.ts), checked by host-tests/board/typecheck.test.mjs: each
// `@ts-expect-error` line must fail to compile, the rest must compile.
import type { Button as ButtonT } from 'button';

const { GPIO } = require('gpio');
const { PWM } = require('pwm');
const { ADC } = require('adc');
const { LED } = require('led');
const { Button } = require('button');

const out = new GPIO(16, OUTPUT);
out.high();
out.write(LOW);
const level: number = out.read() + out.pin + out.mode;
let edges = 0;
new GPIO(17, INPUT_PULLUP).irq(function (_pin: number, events: number) {
  edges = (edges + (events === CHANGE ? 2 : 1)) | 0;
}, CHANGE);

const pwm = new PWM(16, 500, 0.5);
pwm.start();
pwm.setDuty(pwm.getDuty() / 2);
pwm.setFrequency(pwm.getFrequency() * 2);
const volts: number = new ADC(26).read() * 3.3;
const led = new LED(board.LED);
led.toggle();
const on: boolean = led.read() === HIGH;
const btn: ButtonT = new Button(15, { mode: INPUT_PULLUP, event: FALLING, debounce: 20 });
btn.on('click', () => led.toggle()).once('click', () => btn.close());
const heap: number = process.memoryUsage().heapUsed;
const analog: number = analogRead(27);
tone(18, 440, { duration: 100 });
const anything = require('rp2'); // modules without declarations are `any`

// @ts-expect-error a GPIO needs its pin
new GPIO();
// @ts-expect-error write takes a level number, not a boolean
out.write(true);
// @ts-expect-error pin is read-only
out.pin = 3;
// @ts-expect-error an interrupt callback gets (pin, events) numbers
out.irq((pin: string) => pin);
// @ts-expect-error the PWM duty is a number 0..1
pwm.setDuty('50%');
// @ts-expect-error ADC has no write
new ADC(26).write(1);
// @ts-expect-error LED has no brightness
led.brightness(0.5);
// @ts-expect-error debounce is a number of ms
new Button(15, { debounce: '20' });
// @ts-expect-error a Button is read, not pressed
btn.press();
// @ts-expect-error millis() takes no callback
millis(() => 1);
// @ts-expect-error attachInterrupt's callback is the second argument
attachInterrupt(() => {}, 5, RISING);

export { level, volts, on, heap, analog, anything, edges };
