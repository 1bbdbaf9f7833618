// unum/define-unum.ts: how an unum type is declared. An unum is one conceptual
// object that exists as a presence in every participant's vat (Habitat). Its
// definition says which state is critical (held and signed by the host
// presence, changed only by the host) and which message kinds are replicated
// (fanned directly among the participants' presences). A second unum type is a
// second definition; nothing in the first changes.
import { checkAuraPolicy, type AuraPolicy } from '../presence/index.js';
import type { Member } from './snapshot.js';

/** What a critical operation may consult besides the state: the roster it applies under. */
export interface OperationContext {
  readonly members: readonly Member[];
}

/**
 * Applies a member's request to the critical state and returns the new state;
 * throws to refuse it (the requester's `request()` then rejects with the
 * message, `[request-refused]` put in front unless it starts with a `[code]`).
 */
export type CriticalOperation<State> = (
  state: State,
  content: string,
  author: Member,
  context: OperationContext,
) => State;

export interface UnumDefinition<State> {
  /** The kind of unum, e.g. 'chat-room'. */
  type: string;
  /** The critical state a new unum starts with: JSON data only. */
  initialState: State;
  /**
   * Critical operations by envelope kind: a member sends an envelope of that
   * kind to the host (`replica.request(kind, content)`), the host verifies it,
   * applies it, fans the new signed state to every member and tells the
   * requester the outcome (`request()` resolves with the state it applied in).
   */
  operations?: Readonly<Record<string, CriticalOperation<State>>>;
  /** Envelope kinds the participants' presences fan among themselves. */
  kinds: readonly string[];
  /** For spatial unums: fan each message only to the peers in the aura. */
  aura?: AuraPolicy;
}

export const defineUnum = <State>(definition: UnumDefinition<State>): UnumDefinition<State> => {
  for (const kind of [...definition.kinds, ...Object.keys(definition.operations ?? {})]) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(kind))
      throw Error(`[bad-unum] kind ${JSON.stringify(kind)} must be a short lower-case name`);
  }
  if (definition.aura) checkAuraPolicy(definition.aura);
  return harden(definition);
};
harden(defineUnum);
