// The lockdown for tests that drive Chromium with playwright-core. It is
// Endo's debug lockdown (with the async_hooks patch: playwright-core uses
// AsyncLocalStorage, whose hooks would tag hardened promises) except for
// overrideTaming, which stays SES's default 'moderate', as in vat/lockdown.ts.
// Endo's debug lockdown uses 'min', which leaves Error.prototype.message
// read-only: playwright-core then fails to set the message of its protocol
// errors (made with `super()`), the TypeError escapes its session's message
// handler, and the command waiting on that reply never settles (a click that
// hangs in scrollIntoViewIfNeeded, an unhandled rejection when a page closes).
// The patch is the one @endo/init/debug-async-hooks.js installs; that entry
// point also locks down (with 'min'), and the package exports no other path.
import '../../node_modules/@endo/init/src/node-async_hooks-patch.js';
import '@endo/init/pre-remoting.js';

lockdown({ errorTaming: 'unsafe', overrideTaming: 'moderate', domainTaming: 'unsafe' });
