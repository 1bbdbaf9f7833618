import test from '@endo/ses-ava/prepare-endo.js';
import { assertCapTPPatched } from '../../captp-transport/captp-patch-check.js';

test("the installed @endo/captp carries Stoa's patch (vats refuse to start without it)", async t => {
  await t.notThrowsAsync(assertCapTPPatched());
});
