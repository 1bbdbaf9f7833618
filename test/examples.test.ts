// Every code block in the README is a file under demo-community/examples/
// that runs here, so the docs cannot drift from the code.
import test from '@endo/ses-ava/prepare-endo.js';
import { readFileSync } from 'node:fs';
import { quickStart } from '../demo-community/examples/quick-start.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const guide = readFileSync(new URL('../docs/guide.md', import.meta.url), 'utf8');
const blocksOf = (doc: string) => [
  ...doc.matchAll(/`(demo-community\/examples\/[\w-]+\.ts)`[^`]*?\n\n```ts\n([\s\S]*?)```/g),
];

test('README quick start: fetch by sturdy ref, introduce by gift, see the break', async t => {
  t.deepEqual(await quickStart(), [
    'alice incr -> 1',
    'carol incr -> 2',
    'alice sees: disconnected',
  ]);
});

test('README chat room: lines and whispers reach the other member, who keeps the evidence', async t => {
  const { chatRoomExample } = await import('../demo-community/examples/chat-room.js');
  t.deepEqual(await chatRoomExample(), [
    'alice: hello',
    'alice (whisper): psst',
    'bob keeps 2 signed envelopes as evidence',
    "bob's roster: bob",
  ]);
});

test("README moderation: a panic report is verified, and an auditor's logged kick removes the offender", async t => {
  const { moderationExample } = await import('../demo-community/examples/moderation.js');
  const lines = await moderationExample();
  t.regex(lines[0]!, /^report: verified, receipt for log entry \d+$/);
  t.regex(lines[1]!, /^mallory: kicked: threatening a member \(case .+, auditor ana\)$/);
  t.is(lines[2], 'roster: alice');
});

test('guide: your own unum, with critical and replicated state', async t => {
  const { customUnumExample } = await import('../demo-community/examples/custom-unum.js');
  t.deepEqual(await customUnumExample(), [
    'ben sees the score the host signed: 7',
    'ben sees ann\'s cursor: {"x":12,"y":5}',
  ]);
});

test('guide: a room whose roster three replicas hold', async t => {
  const { replicatedRoomExample } = await import('../demo-community/examples/replicated-room.js');
  t.deepEqual(await replicatedRoomExample(), [
    'replicas: 3',
    'bob joined with one replica down: alice, bob',
    "alice's roster after the kick: alice",
    'with two replicas down: [no-quorum]',
  ]);
});

test('guide: a shared world, with owned counters and live state', async t => {
  const { sharedWorldExample } = await import('../demo-community/examples/shared-world.js');
  t.deepEqual(await sharedWorldExample(), [
    'ann holds counter 0: ann',
    'ben: [held] counter 0 is held by ann',
    'ben sees ann carry counter 0 at 30,15',
    'counter 0 lies at {"x":30,"y":15}',
  ]);
});

test('every ts block in the guide is the example file it names, verbatim', t => {
  const blocks = blocksOf(guide);
  t.deepEqual(
    blocks.map(b => b[1]),
    [
      'demo-community/examples/quick-start.ts',
      'demo-community/examples/custom-unum.ts',
      'demo-community/examples/chat-room.ts',
      'demo-community/examples/replicated-room.ts',
      'demo-community/examples/moderation.ts',
      'demo-community/examples/shared-world.ts',
    ],
  );
  for (const [, path, block] of blocks)
    t.is(block, readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'), path);
  t.is([...guide.matchAll(/```ts/g)].length, blocks.length, 'no ts block without its file');
});

test('every ts block in the README is the example file it names, verbatim', t => {
  const blocks = blocksOf(readme);
  t.deepEqual(
    blocks.map(b => b[1]),
    [
      'demo-community/examples/quick-start.ts',
      'demo-community/examples/chat-room.ts',
      'demo-community/examples/moderation.ts',
    ],
  );
  for (const [, path, block] of blocks)
    t.is(block, readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'), path);
  t.is([...readme.matchAll(/```ts/g)].length, blocks.length, 'no ts block without its file');
});

test('the README gives exactly two set-up commands: the demo and the tests', t => {
  const setUp = readme.split('## Set up')[1]!.split('\n## ')[0]!;
  t.deepEqual(
    [...setUp.matchAll(/```sh\n(.*)\n```/g)].map(m => m[1]),
    ['npm ci && npm start', 'npm ci && npm test'],
  );
});
