// `test` for the web tests: ses-ava's wrapped ava, after the lockdown that
// playwright-core needs (playwright-lockdown.ts), which must run first.
import './playwright-lockdown.js';
import rawTest from 'ava';
import { wrapTest } from '@endo/ses-ava';

const test = wrapTest(rawTest);
export default test;
