// vat/lockdown.ts: brings up SES for the public entry point. It locks down
// unless the host process already did (a test runner or an app that chose its
// own lockdown options), so importing 'stoa' after '@endo/init' is not an error.
// Entry points import this first, then the eventual-send shim.
import '@endo/init/pre-remoting.js';

try {
  lockdown();
} catch (error) {
  if (!/SES_ALREADY_LOCKED_DOWN/.test(String((error as Error).message))) throw error;
}
