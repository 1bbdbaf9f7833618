// A replica's door (docs/protocol.md §4.9.2), fuzzed by a stranger over a real
// session: mutated requests, timeslots and signed statements, edgy arguments
// to every method. Each call is answered or refused with a `[code]` (or by the
// door's interface guard); afterwards a member still joins through it.
import { E } from '@endo/far';
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chatRoom, joinRoom } from '../../unum/index.js';
import type { ReplicaDoor } from '../../unum/quorum/door-facets.js';
import { REQUEST_DOMAIN, signRequest } from '../../unum/quorum/request.js';
import { signTimeslot, TIMESLOT_DOMAIN } from '../../unum/quorum/timeslot.js';
import { hostReplicatedUnum } from '../../unum/replicated-host.js';
import { startVat } from '../../vat/index.js';
import { codeOf, type Surface } from './decoders.js';
import { edgyJson, mutations, signed } from './mutate.js';
import { scratch } from './network.js';

const METHODS = [
  'describe',
  'join',
  'attach',
  'submit',
  'timeslot',
  'signature',
  'timeslots',
  'request',
  'certified',
] as const;

/** A guard's refusal is the platform's words, not a `[code]`: counted as such. */
const outcome = (error: unknown) =>
  /^"?In \\?"\w+\\?" method of/.test((error as Error)?.message ?? '') ? 'guard' : codeOf(error);

export const doorSurface = async (): Promise<Surface> => {
  const dir = scratch();
  const [owner, stranger, member] = await Promise.all(
    ['owner', 'stranger', 'member'].map(name => startVat({ dataDir: join(dir, name) })),
  );
  const served = await hostReplicatedUnum(owner!, chatRoom, { name: 'fuzz', replicas: 1 });
  const door = await stranger!.fetch<ReplicaDoor>(served.invite);
  const sign = (m: Uint8Array) => stranger!.sign(m);
  const joinDoc = JSON.parse(
    signRequest(
      {
        room: served.room,
        kind: 'join',
        author: stranger!.id,
        content: '{"name":"x","address":"127.0.0.1:1"}',
      },
      sign,
    ).signed.request,
  );
  const slot = JSON.parse(
    signTimeslot(
      {
        v: 1,
        room: served.room,
        replica: stranger!.id,
        seq: 1,
        ts: Date.now(),
        cseq: 0,
        arrivals: [],
      },
      sign,
    ).signed.timeslot,
  );
  const requestArb = fc.oneof(
    mutations(joinDoc).map(doc => signed('request', REQUEST_DOMAIN, doc, sign)),
    edgyJson,
  );
  const args = fc.oneof(
    requestArb.map(r => ['submit', r]),
    requestArb.map(r => ['join', { request: r, link: 'not a link' }]),
    mutations(slot).map(doc => ['timeslot', signed('timeslot', TIMESLOT_DOMAIN, doc, sign)]),
    fc.tuple(fc.constantFrom(...METHODS), edgyJson).map(([m, a]) => [m, a]),
    fc.constantFrom(...METHODS).map(m => [m]),
  );
  return {
    name: 'replica door',
    arbitrary: args,
    run: async input => {
      const [method, ...rest] = input as [(typeof METHODS)[number], ...unknown[]];
      try {
        await (E(door) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
          method
        ]!(...rest);
        return 'accepted';
      } catch (error) {
        return outcome(error);
      }
    },
    async alive() {
      const m = await joinRoom(member!, served.invite, { name: 'still-here' });
      const ok = m.roster().some(r => r.name === 'still-here');
      m.close();
      return ok;
    },
    async close() {
      served.close();
      await Promise.all([owner, stranger, member].map(v => v!.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
