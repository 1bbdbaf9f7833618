// A room id stays bound to the host that registered it, across restarts of
// the moderation vat: another host that signs a snapshot under that id is
// refused (`[not-yours]`), so it cannot receive the room's logged actions.
// A unit of the registry: vats restart here in this process.
import test from '@endo/ses-ava/prepare-endo.js';
import { Far } from '@endo/far';
import { openRoomRegistry } from '../../moderation/room-registry.js';
import { signSnapshot, type Snapshot } from '../../unum/index.js';
import { startVat, type Vat } from '../../vat/index.js';
import { tempDir, testVat } from '../helpers.js';

const rosterOf = (host: Vat, room: string) =>
  signSnapshot(
    {
      v: 1,
      room,
      type: 'chat-room',
      name: 'lobby',
      host: host.id,
      epoch: 0,
      cseq: 0,
      members: [],
      bans: [],
      rulesetHash: '',
      state: {},
    } as Snapshot,
    m => host.sign(m),
  );

test('a room id registered by one host is refused to another, also after the service restarts', async t => {
  const dataDir = tempDir(t);
  const [host, squatter] = await Promise.all([testVat(t), testVat(t)]);
  const room = 'lobby~abcdefghijkl';
  const enforcerOf = (vat: Vat) => vat.export(Far('RoomEnforcer', {}));
  const operator = await startVat({ dataDir });
  openRoomRegistry(operator).register(host.id, rosterOf(host, room), enforcerOf(host));
  await operator.close();

  const again = await startVat({ dataDir });
  t.teardown(() => again.close());
  const registry = openRoomRegistry(again);
  t.like(registry.get(room), { host: host.id });
  t.throws(() => registry.register(squatter.id, rosterOf(squatter, room), enforcerOf(squatter)), {
    message: /^\[not-yours\] room lobby~abcdefghijkl is registered by another host than vat \w{8}$/,
  });
  t.throws(() => registry.register(host.id, rosterOf(host, room), enforcerOf(squatter)), {
    message: /^\[bad-ref\] the enforcer of room lobby~abcdefghijkl must be an object of its host/,
  });
  t.notThrows(
    () => registry.register(host.id, rosterOf(host, room), enforcerOf(host)),
    'its own host registers again',
  );
});
