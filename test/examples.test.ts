// Every code block in the README is a file under demo-community/examples/
// that runs here, so the docs cannot drift from the code.
import test from '@endo/ses-ava/prepare-endo.js';
import { readFileSync } from 'node:fs';
import { quickStart } from '../demo-community/examples/quick-start.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('README quick start: fetch by sturdy ref, introduce by gift, see the break', async t => {
  t.deepEqual(await quickStart(), ['alice incr -> 1', 'carol incr -> 2', 'alice sees: disconnected']);
});

test('the README shows the quick start exactly as the file that runs', t => {
  const file = readFileSync(new URL('../demo-community/examples/quick-start.ts', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  t.is(block, file);
});

test('the README gives exactly two set-up commands: the demo and the tests', t => {
  const setUp = readme.split('## Set up')[1]!.split('\n## ')[0]!;
  t.deepEqual([...setUp.matchAll(/```sh\n(.*)\n```/g)].map(m => m[1]), ['npm ci && npm start', 'npm ci && npm test']);
});
