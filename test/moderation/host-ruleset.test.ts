// The owner of a moderated room sets its ruleset the logged way: the
// moderation service checks and logs it (kind `ruleset`, label `host`), then
// the room's enforcer applies it with the log's receipt. A bad ruleset is
// refused before anything is logged; no other vat can set the room's rules.
import test from '@endo/ses-ava/prepare-endo.js';
import { E } from '@endo/far';
import { createModeratedRoom, startModeration, verifyReceipt } from '../../moderation/index.js';
import { testVat } from '../helpers.js';

test("the host's ruleset is logged before the room applies it, and only the host's", async t => {
  const [operatorVat, hostVat, otherVat] = await Promise.all([testVat(t), testVat(t), testVat(t)]);
  const mod = await startModeration(operatorVat);
  t.teardown(() => mod.close());
  const room = await createModeratedRoom(hostVat, { name: 'lobby', moderation: mod.reportInbox });
  t.teardown(() => room.close());

  const ruleset = harden({ rules: [{ id: 'insults', action: 'hide', keywords: ['idiot'] }] });
  const receipt = await room.setRuleset(ruleset);
  verifyReceipt(receipt, mod.operator, {
    kind: 'ruleset',
    body: { room: room.room, ruleset, label: 'host', host: hostVat.id },
  });
  t.deepEqual(room.snapshot().state.ruleset, ruleset, 'applied once logged');
  const size = mod.archive.size();

  await t.throwsAsync(
    room.setRuleset(harden({ rules: [{ id: 'x', action: 'shout', keywords: ['x'] }] })),
    {
      message: /^\[bad-ruleset\] rule "x": action is/,
    },
  );
  const intake = await otherVat.fetch<{ setRuleset(room: string, r: object): Promise<unknown> }>(
    mod.reportInbox,
  );
  await t.throwsAsync(E(intake).setRuleset(room.room, harden({ rules: [] })), {
    message: /^\[unknown-room\] vat \w+ has registered no room/,
  });
  t.is(mod.archive.size(), size, 'nothing refused was logged');
  t.deepEqual(room.snapshot().state.ruleset, ruleset);
});
