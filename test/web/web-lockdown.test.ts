// The web tests' lockdown (test/support/playwright-lockdown.ts) lets a
// subclass of Error made without a message be given one, as playwright-core
// does to its protocol errors; under Endo's debug lockdown ('min' override
// taming) that assignment throws, and the Chromium command waiting on it hangs.
import test from '../support/web-test.js';

test('an error made without a message can be given one', t => {
  class ProtocolLike extends Error {
    constructor() {
      super();
    }
  }
  const error = new ProtocolLike();
  error.message = 'Protocol error (DOM.scrollIntoViewIfNeeded): Node is detached from document';
  t.is(
    error.message,
    'Protocol error (DOM.scrollIntoViewIfNeeded): Node is detached from document',
  );
});
