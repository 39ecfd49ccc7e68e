// Which Espruino-only globals a bundle uses (scripts/lib/portability.mjs, what `build --target
// espruino` reports): a `typeof` test of a global is how portable code asks whether the board
// has it, so it is not a use; reading or calling the global is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { espruinoOnlyUses } from '../../scripts/lib/portability.mjs';

test('a typeof test of getTime or E is not a use; reading getTime or calling E.on is', () => {
  const uses = espruinoOnlyUses('var c = typeof getTime === "function" ? getTime : Date.now;\nif (typeof E !== "undefined") E.on("errorFlag", c);\n');
  assert.equal(uses.map((u) => u.what), ['getTime', 'E']);
});

test('a bundle whose only mention of getTime is typeof uses nothing Espruino-only', () => {
  assert.equal(espruinoOnlyUses('var clock = typeof millis === "function" ? millis : Date.now; if (typeof getTime != "function") clock = Date.now;'), []);
});

test.run();
