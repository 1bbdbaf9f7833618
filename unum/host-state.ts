// unum/host-state.ts: the signed state a host starts from: the one it kept
// (a restart) or a new one, with a fresh room id.
import { randomBytes } from 'node:crypto';
import type { VatId } from '../captp-transport/index.js';
import type { Vat } from '../vat/index.js';
import type { UnumDefinition } from './define-unum.js';
import type { HostStore } from './host-store.js';
import { openSnapshot, signSnapshot, type SignedSnapshot, type Snapshot } from './snapshot.js';

/** A room id: the name made safe and short, and 72 random bits. */
const newRoomId = (name: string) =>
  `${name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}~${randomBytes(9).toString('base64url')}`;

/** What a new unum's first state holds besides its version: a fresh room id, no members, the initial state. */
export const firstState = <State>(definition: UnumDefinition<State>, name: string, host: VatId) =>
  harden({
    room: newRoomId(name),
    type: definition.type,
    name,
    host,
    epoch: 0,
    cseq: 0,
    members: [],
    bans: [],
    rulesetHash: '',
    state: definition.initialState,
  });
harden(firstState);

export const openHostedState = <State>(
  vat: Pick<Vat, 'id' | 'sign'>,
  definition: UnumDefinition<State>,
  name: string,
  store: HostStore,
  kept: SignedSnapshot | undefined,
): { current: Snapshot<State>; signed: SignedSnapshot } => {
  if (kept) {
    const current = openSnapshot<State>(kept, vat.id);
    if (current.type !== definition.type) {
      throw Error(
        `[bad-unum] ${JSON.stringify(name)} is hosted here as a ${current.type}, not a ${definition.type}`,
      );
    }
    return { current, signed: kept };
  }
  const current = harden({ v: 1, ...firstState(definition, name, vat.id) }) as Snapshot<State>;
  const signed = signSnapshot(current, m => vat.sign(m));
  store.save(name, signed);
  return { current, signed };
};
harden(openHostedState);
