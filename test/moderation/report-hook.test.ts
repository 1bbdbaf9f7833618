// A room without a moderation service can take reports itself: each member is
// introduced to its own report facet for the room's hook; and a room's
// rulesets are checked by the filter before they are signed. Vats here share
// the test process, each with its own identity and sessions.
import test from '@endo/ses-ava/prepare-endo.js';
import { createRoom, joinRoom } from '../../moderation/index.js';
import { testVat } from '../helpers.js';

const threeVats = (t: Parameters<typeof testVat>[0]) =>
  Promise.all([testVat(t), testVat(t), testVat(t)]);

test("a report reaches the room's hook through the member's own facet", async t => {
  const [hostVat, aVat] = await threeVats(t);
  const reports: Array<{ from: string; category: unknown }> = [];
  const room = await createRoom(hostVat, {
    name: 'lobby',
    onReport: (signed, from) => {
      reports.push({ from: from.name, category: JSON.parse(String(signed.report)).category });
      return harden({ received: true });
    },
  });
  t.teardown(() => room.close());
  const ann = await joinRoom(aVat, room.invite, { name: 'ann' });
  t.deepEqual(await ann.report({ category: 'spam', note: 'test' }), { received: true });
  t.deepEqual(reports, [{ from: 'ann', category: 'spam' }]);
});

test("a room's ruleset is checked by the filter before the host signs it", async t => {
  const hostVat = await testVat(t);
  const room = await createRoom(hostVat, { name: 'lobby' });
  t.teardown(() => room.close());
  await t.throwsAsync(
    room.admin.setRuleset({ rules: [{ id: 'x', action: 'hide', keywords: [1] }] }),
    { message: /^\[bad-ruleset\]/ },
  );
});
