// patches/@endo+marshal+1.10.0.patch: a marshaller builds its encoders and
// revivers once rather than per call, and no longer hardens the encoding it
// stringifies or the JSON it parses. What comes out must be as before:
// the same capdata text, hardened results, slots per call even when a call
// nests inside another.
import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import { makeMarshal } from '@endo/marshal';
import { isPassable } from '@endo/pass-style';

const alice = Far('alice', {});
const bob = Far('bob', {});
const names = new Map<unknown, string>([
  [alice, 'a'],
  [bob, 'b'],
]);

test('capdata text and slots are as before, and the result is hardened', t => {
  const { toCapData } = makeMarshal(value => names.get(value)!, undefined, {
    serializeBodyFormat: 'capdata',
    marshalSaveError: () => {},
  });
  const data = toCapData(harden({ to: [alice, bob, alice], n: 1n, u: undefined, text: 'hi' }));
  t.is(
    data.body,
    '{"n":{"@qclass":"bigint","digits":"1"},"text":"hi","to":[{"@qclass":"slot","iface":"Alleged: alice","index":0},{"@qclass":"slot","iface":"Alleged: bob","index":1},{"@qclass":"slot","index":0}],"u":{"@qclass":"undefined"}}',
  );
  t.deepEqual(data.slots, ['a', 'b']);
  t.true(Object.isFrozen(data) && Object.isFrozen(data.slots));
  t.deepEqual(toCapData(harden([bob])).slots, ['b'], 'each call starts its own slots');
  const error = toCapData(harden(Error('no')));
  t.regex(
    error.body,
    /^\{"@qclass":"error","errorId":"error:anon-marshal#\d+","message":"no","name":"Error"\}$/,
  );
});

test('smallcaps text is as before: its encoders are made once too', t => {
  const { toCapData, fromCapData } = makeMarshal(
    value => names.get(value)!,
    slot => (slot === 'a' ? alice : bob),
    { serializeBodyFormat: 'smallcaps' },
  );
  const data = toCapData(harden([alice, bob, alice, 'hi']));
  t.is(data.body, '#["$0.Alleged: alice","$1.Alleged: bob","$0","hi"]');
  t.deepEqual(data.slots, ['a', 'b']);
  t.deepEqual(fromCapData(data), [alice, bob, alice, 'hi']);
});

test('revived values are hardened all the way down and are passable', t => {
  const { toCapData, fromCapData } = makeMarshal(
    value => names.get(value)!,
    slot => (slot === 'a' ? alice : bob),
    { serializeBodyFormat: 'capdata' },
  );
  const back = fromCapData(toCapData(harden({ list: [{ who: bob }, [alice]], x: -0 }))) as {
    list: [{ who: unknown }, unknown[]];
  };
  t.is(back.list[0].who, bob);
  t.is(back.list[1][0], alice);
  for (const part of [back, back.list, back.list[0], back.list[1]]) t.true(Object.isFrozen(part));
  t.true(isPassable(back));
  t.throws(() => fromCapData(harden({ body: '{"@qclass":"nonsense"}', slots: [] })), {
    message: /unrecognized "@qclass" "nonsense"/,
  });
});

test('a call nested in another (from a slot conversion) keeps each its own slots', t => {
  // convertValToSlot and convertSlotToVal may call the marshaller again: the
  // patch keeps the slots of the call under way in variables it saves and restores.
  const nested: { data?: { body: string; slots: string[] }; revived?: unknown } = {};
  const m = makeMarshal(
    value => {
      if (value === bob) nested.data = m.toCapData(harden([alice, alice])) as never;
      return names.get(value)!;
    },
    (slot: string) => {
      if (slot === 'b') nested.revived = m.fromCapData(nested.data as never);
      return slot === 'a' ? alice : bob;
    },
    { serializeBodyFormat: 'capdata' },
  );
  const outer = m.toCapData(harden([alice, bob, alice]));
  t.deepEqual(outer.slots, ['a', 'b']);
  t.deepEqual(nested.data!.slots, ['a']);
  t.is(
    nested.data!.body,
    '[{"@qclass":"slot","iface":"Alleged: alice","index":0},{"@qclass":"slot","index":0}]',
  );
  t.deepEqual(m.fromCapData(outer), [alice, bob, alice]);
  t.deepEqual(nested.revived, [alice, alice]);
});
