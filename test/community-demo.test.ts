// The README's main job, played end to end: separate processes for the three
// participants, chat peer to peer with the host silent, a filter hit reported
// by Bob's vat, an auditor's logged kick.
import test from '@endo/ses-ava/prepare-endo.js';
import { runCommunityDemo } from '../demo-community/community-demo.js';

test('the community demo plays its script: zero host chat bytes, a verified auto-report, a logged kick', async t => {
  const lines = await runCommunityDemo({ exit: true, say: () => {} });
  const find = (re: RegExp) => lines.find(l => re.test(l));
  t.truthy(find(/^mallory +vat \w{8} \(process \d+\) joined; roster: alice, bob, mallory$/));
  t.is(
    find(/^bytes of calls the host made/),
    'bytes of calls the host made to members while they chatted: 0',
  );
  t.regex(find(/^alice whispers/)!, /\(1 recipient\)/);
  t.regex(find(/^bob's vat: filtered/)!, /rule insults, auto-report/);
  t.regex(find(/^bob's vat: reported/)!, /verdict verified, receipt for log entry \d+/);
  t.regex(find(/^mallory's vat: removed/)!, /kicked: insulting a member \(case .*, auditor ana\)/);
  t.is(lines.at(-1), "roster now: alice, bob; every presence drops mallory's envelopes");
});
