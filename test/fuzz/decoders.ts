// The pure decoders fuzzed: each surface makes a valid document, then feeds
// generated variants (mutated and signed again, or arbitrary values) to the
// decoder a peer's data reaches. Its outcome is `accepted` or the `[code]` of
// its refusal; anything else (a TypeError, an uncoded Error) is a failure.
import fc from 'fast-check';
import { parseFrame } from '../../captp-transport/frames.js';
import {
  parseControlLine,
  parseRelayAnswer,
  parseRelayRequest,
  signRelayRequest,
} from '../../captp-transport/relay-wire.js';
import { ACTION_DOMAIN, openAction, SANCTIONS, TIMED } from '../../moderation/action.js';
import { CHECKPOINT_DOMAIN, openCheckpoint, signCheckpoint } from '../../moderation/checkpoint.js';
import { verifyReceipt } from '../../moderation/archive.js';
import { inclusionProof, leafHash, rootOf } from '../../moderation/merkle.js';
import { REPORT_DOMAIN, openReport, sealReport } from '../../moderation/report.js';
import { verifyReport } from '../../moderation/verify-report.js';
import {
  ENVELOPE_DOMAIN,
  canonical,
  contentMatches,
  GENESIS,
  openEnvelope,
  PUBLIC,
  sealEnvelope,
  signatureHolds,
  withholdContent,
} from '../../presence/envelope.js';
import { ENVELOPE_V2_DOMAIN } from '../../presence/envelope-v2.js';
import { deliveryItem, expandDeliveryItem } from '../../presence/delivery-form.js';
import { normaliseName } from '../../unum/member-name.js';
import { SNAPSHOT_DOMAIN, openSnapshot, signSnapshot, type Snapshot } from '../../unum/snapshot.js';
import {
  QUORUM_SNAPSHOT_DOMAIN,
  openCertified,
  signQuorumSnapshot,
  type QuorumSnapshot,
} from '../../unum/quorum/certified.js';
import { checkEvidence } from '../../unum/quorum/evidence.js';
import { REQUEST_DOMAIN, openRequest, signRequest } from '../../unum/quorum/request.js';
import { TIMESLOT_DOMAIN, openTimeslot } from '../../unum/quorum/timeslot.js';
import { formatRef, parseRef } from '../../vat/sturdy-ref.js';
import { edgyJson, makeSigner, mutations, signed, signedVariants } from './mutate.js';

export interface Surface<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Feeds one case; returns `accepted` or the refusal's code. */
  run(input: T): Promise<string> | string;
  /** After the cases: does what was fuzzed still answer an honest request? */
  alive?(): Promise<boolean>;
  close?(): Promise<void>;
}

/** The `[code]` an Error starts with; a failure without one is thrown on as a finding. */
export const codeOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : '';
  const code = /^\[([a-z][a-z0-9-]*)\]/.exec(message)?.[1];
  if (!code)
    throw Error(
      `uncoded failure: ${String(error instanceof Error ? error.stack : error).slice(0, 600)}`,
    );
  return code;
};
const outcome = (f: () => unknown): string => {
  try {
    f();
    return 'accepted';
  } catch (error) {
    return codeOf(error);
  }
};

const host = makeSigner();
const member = makeSigner();
const ROOM = 'lobby~fuzz';

const snapshot: Snapshot = {
  v: 1,
  room: ROOM,
  type: 'chat',
  name: 'lobby',
  host: host.id,
  epoch: 2,
  cseq: 3,
  members: [
    {
      vatId: member.id,
      name: 'alice',
      role: 'member',
      address: '127.0.0.1:1',
      joinedAt: 1,
      muted: false,
    },
  ],
  bans: [],
  rulesetHash: '0'.repeat(64),
  state: { ruleset: {} },
};
const signedSnapshot = signSnapshot(snapshot, host.sign);
const envelope = sealEnvelope(
  {
    room: ROOM,
    epoch: 2,
    author: member.id,
    seq: 1,
    prev: GENESIS,
    ts: 1_767_225_600_000,
    heads: [],
    kind: 'chat',
  },
  'hello',
  member.sign,
  { version: 1 },
);
const header = JSON.parse(envelope.wire.header);
const { v: _v, body: _body, ...fields } = envelope.header;
const envelopeV2 = sealEnvelope(fields, 'hello', member.sign);
/** v2 header bytes changed at random (flipped, cut, grown), signed again so the decoder itself is reached. */
const v2Variants = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.constantFrom('set', 'cut', 'insert')), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([withheld, steps]) => {
    const wire = withheld ? withholdContent(envelopeV2.wire) : envelopeV2.wire;
    let bytes = Buffer.from(wire.header, 'base64url');
    for (const [at, value, how] of steps) {
      const i = at % (bytes.length + 1);
      if (how === 'set' && i < bytes.length) bytes[i] = value;
      else if (how === 'cut') bytes = bytes.subarray(0, i);
      else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
    }
    const signed = withheld
      ? bytes
      : Buffer.concat([bytes, Buffer.from(envelopeV2.header.body, 'hex')]);
    return {
      header: bytes.toString('base64url'),
      sig: Buffer.from(
        member.sign(Buffer.concat([Buffer.from(ENVELOPE_V2_DOMAIN), signed])),
      ).toString('base64url'),
      ...(withheld ? {} : { content: 'hello', salt: envelopeV2.wire.salt }),
    };
  });

const envelopeSurface: Surface = {
  name: 'envelope',
  arbitrary: fc.oneof(
    mutations(header).map(doc => ({
      ...signed('header', ENVELOPE_DOMAIN, doc, member.sign),
      content: 'hello',
      salt: envelope.wire.salt,
    })),
    mutations(envelope.wire as never),
    v2Variants,
    mutations(envelopeV2.wire as never),
    edgyJson,
  ),
  run: input =>
    outcome(() => {
      const opened = openEnvelope(input);
      if (!signatureHolds(opened)) throw Error('[bad-signature]');
      if (!contentMatches(opened)) throw Error('[bad-content]');
      if (opened.stream !== PUBLIC && typeof opened.stream !== 'string') throw Error('stream');
    }),
};

/** A second line naming a head, in its delivery form (§5.14), and a receiver holding what it names. */
const secondV2 = sealEnvelope(
  {
    ...fields,
    seq: 2,
    prev: envelopeV2.id,
    heads: [[host.id, 3, 'ab'.repeat(32)]],
  },
  'hello. again',
  member.sign,
);
const held = new Map([
  [`${member.id}|*|1`, [envelopeV2.id]],
  [`${host.id}|*|3`, ['ab'.repeat(32)]],
]);
const deliveryContext = {
  sender: member.id,
  receiver: host.id,
  room: ROOM,
  known: {
    idsAt: (author: string, stream: string, seq: number) =>
      held.get(`${author}|${stream}|${seq}`) ?? [],
    publicAuthors: () => [member.id, host.id],
  },
};
const [form, ...rest] = deliveryItem(secondV2)!.split('.');
/** Delivery forms with their form bytes changed at random, and their other parts too. */
const formVariants = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.constantFrom('set', 'cut', 'insert')), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.option(fc.string({ unit: 'binary', maxLength: 120 })),
  )
  .map(([steps, tail]) => {
    let bytes = Buffer.from(form!, 'base64url');
    for (const [at, value, how] of steps) {
      const i = at % (bytes.length + 1);
      if (how === 'set' && i < bytes.length) bytes[i] = value;
      else if (how === 'cut') bytes = bytes.subarray(0, i);
      else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
    }
    return `${bytes.toString('base64url')}.${tail ?? rest.join('.')}`;
  });
const deliverySurface: Surface<string> = {
  name: 'delivery form',
  arbitrary: fc.oneof(
    formVariants,
    fc.constant(deliveryItem(secondV2)!),
    fc.string({ unit: 'binary', maxLength: 300 }),
  ),
  run: input =>
    outcome(() => {
      const expanded = expandDeliveryItem(input, deliveryContext);
      if ('unresolved' in expanded) throw Error('[unresolved]');
      const opened = openEnvelope(expanded.wire);
      if (!signatureHolds(opened)) throw Error('[bad-signature]');
    }),
};

const snapshotSurface: Surface = {
  name: 'roster snapshot',
  arbitrary: signedVariants('snapshot', SNAPSHOT_DOMAIN, snapshot as never, host.sign),
  run: input => outcome(() => openSnapshot(input as never, host.id, ROOM)),
};

// Replicated rooms (docs/protocol.md §4.8): host and member stand in as replicas.
const third = makeSigner();
const replicaSet = [host.id, member.id, third.id];
const request = JSON.parse(
  signRequest({ room: ROOM, kind: 'join', author: member.id, content: '{}' }, member.sign).signed
    .request,
);
const requestSurface: Surface = {
  name: 'critical request',
  arbitrary: signedVariants('request', REQUEST_DOMAIN, request, member.sign),
  run: input => outcome(() => openRequest(input as never, ROOM)),
};
const timeslot = {
  v: 1,
  room: ROOM,
  replica: host.id,
  seq: 3,
  ts: 1_767_225_600_000,
  cseq: 2,
  arrivals: [['A'.repeat(43), 1_767_225_599_990]],
};
const timeslotSurface: Surface = {
  name: 'timeslot',
  arbitrary: signedVariants('timeslot', TIMESLOT_DOMAIN, timeslot, host.sign),
  run: input => outcome(() => openTimeslot(input as never, ROOM, replicaSet)),
};
const { host: _host, v: _version, ...v1Fields } = snapshot;
const quorumSnapshot: QuorumSnapshot = {
  ...v1Fields,
  v: 2,
  host: host.id,
  replicas: replicaSet.map(vatId => ({
    vatId,
    ref: `stoa://${vatId}@127.0.0.1:9/s/${'A'.repeat(22)}`,
  })),
  capacity: 64,
  open: true,
  at: 1_767_225_600_000,
  request: 'A'.repeat(43),
};
/** Mutated snapshots signed by two of the three replicas, so the form checks are reached. */
const certifiedVariants = mutations(quorumSnapshot as never).map(doc => {
  const text = typeof doc === 'string' ? doc : canonical(doc);
  const sig = (sign: (m: Uint8Array) => Uint8Array) =>
    Buffer.from(sign(Buffer.from(QUORUM_SNAPSHOT_DOMAIN + text))).toString('base64url');
  return {
    snapshot: text,
    sigs: [
      { by: host.id, sig: sig(host.sign) },
      { by: member.id, sig: sig(member.sign) },
    ],
  };
});
const certifiedSurface: Surface = {
  name: 'replicated snapshot',
  arbitrary: fc.oneof(certifiedVariants, edgyJson),
  run: input => outcome(() => openCertified(input as never, replicaSet, ROOM)),
};
const honest = signQuorumSnapshot(quorumSnapshot, host.sign);
const forged = signQuorumSnapshot({ ...quorumSnapshot, bans: [], epoch: 9 }, member.sign);
const evidence = {
  v: 1,
  kind: 'against-majority',
  room: ROOM,
  replica: member.id,
  cseq: quorumSnapshot.cseq,
  first: { snapshot: forged.text, sig: forged.sig },
  second: {
    snapshot: honest.text,
    sigs: [
      { by: host.id, sig: honest.sig },
      { by: third.id, sig: signQuorumSnapshot(quorumSnapshot, third.sign).sig },
    ],
  },
};
const evidenceSurface: Surface = {
  name: 'replica evidence',
  arbitrary: fc.oneof(mutations(evidence as never), edgyJson),
  run: input => outcome(() => checkEvidence(input as never)),
};

const auditor = makeSigner();
const action = {
  v: 1,
  caseId: 'c-1',
  room: ROOM,
  action: 'kick',
  target: member.id,
  durationMs: 0,
  reason: 'spam',
  auditor: auditor.id,
  ts: 1_767_225_600_000,
};
const actionSurface: Surface = {
  name: 'auditor action',
  // Every sanction, the lifting ones too, each mutated around its own well-formed action.
  arbitrary: fc.oneof(
    ...SANCTIONS.map(sanction =>
      signedVariants(
        'action',
        ACTION_DOMAIN,
        { ...action, action: sanction, durationMs: TIMED.includes(sanction) ? 600_000 : 0 },
        auditor.sign,
      ),
    ),
  ),
  run: input => outcome(() => openAction(input as never, auditor.id)),
};

const operator = makeSigner();
const checkpoint = {
  v: 1 as const,
  log: 'stoa-moderation',
  operator: operator.id,
  size: 3,
  root: 'a'.repeat(64),
  ts: 1_767_225_600_000,
};
const checkpointSurface: Surface = {
  name: 'checkpoint',
  arbitrary: signedVariants(
    'checkpoint',
    CHECKPOINT_DOMAIN,
    signCheckpoint(checkpoint, operator.sign) && checkpoint,
    operator.sign,
  ),
  run: input => outcome(() => openCheckpoint(input as never, operator.id)),
};

const leaves = ['a', 'b', 'c'].map(x => leafHash(Buffer.from(x)));
const receipt = {
  index: 1,
  leaf: leaves[1]!.toString('hex'),
  checkpoint: signCheckpoint(
    { ...checkpoint, size: 3, root: rootOf(leaves).toString('hex') },
    operator.sign,
  ),
  proof: inclusionProof(leaves, 1).map(h => h.toString('hex')),
};
const receiptSurface: Surface = {
  name: 'receipt',
  arbitrary: fc.oneof(mutations(receipt as never), edgyJson),
  run: input => outcome(() => verifyReceipt(input as never, operator.id)),
};

const report = JSON.parse(
  sealReport(
    {
      room: ROOM,
      epoch: 2,
      reporter: member.id,
      accused: [host.id],
      category: 'spam',
      trigger: 'panic',
      flagged: [envelope.id],
      window: [{ envelope, receivedAt: 1 }],
      roster: signedSnapshot,
    } as never,
    member.sign,
  ).report,
);
const reportSurface: Surface = {
  name: 'report',
  arbitrary: signedVariants('report', REPORT_DOMAIN, report, member.sign),
  run: input =>
    outcome(() => {
      openReport(input as never);
      const verdict = verifyReport(input as never, { reporter: member.id, host: host.id });
      if (verdict.verdict === 'rejected') codeOf(Error(verdict.rejected));
    }),
};

const ref = formatRef({
  kind: 's',
  vatId: host.id,
  addresses: [
    { via: 'direct', host: '127.0.0.1', port: 9 },
    { via: 'relay', host: '::1', port: 10 },
  ],
  secret: 'AAAAAAAAAAAAAAAAAAAAAA',
});
const refSurface: Surface<string> = {
  name: 'sturdy ref',
  arbitrary: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .tuple(
        fc.nat({ max: ref.length }),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.nat({ max: 4 }),
      )
      .map(([at, text, cut]) => ref.slice(0, at) + text + ref.slice(at + cut)),
  ),
  run: input => outcome(() => parseRef(input)),
};

const frame = {
  type: 'CTP_CALL',
  epoch: 0,
  questionID: 'q-1',
  target: 'o-1',
  method: { body: '["echo",[1]]', slots: [] },
};
const frameSurface: Surface<string> = {
  name: 'captp frame (parser)',
  arbitrary: fc.oneof(
    mutations(frame).map(doc => JSON.stringify(doc)),
    mutations({ ...frame, drops: ['q-2', 'q-3'] }).map(doc => JSON.stringify(doc)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  ),
  run: input => outcome(() => parseFrame(input)),
};

// The relay protocol's lines (§2.8): what a relay reads from anyone, and what a vat reads from a relay.
const NONCE = 'KioqKioqKioqKioqKioqKg';
const relayLines = [
  signRelayRequest({ op: 'reserve', vat: member.id }, NONCE, member.sign),
  signRelayRequest({ op: 'connect', vat: member.id, to: host.id }, NONCE, member.sign),
  signRelayRequest(
    { op: 'accept', vat: member.id, circuit: 'EREREREREREREREREREREQ' },
    NONCE,
    member.sign,
  ),
  { ok: true, observed: '10.0.0.1:4000', pingMs: 15_000 },
  { ok: false, code: 'relay-busy', error: 'busy' },
  { op: 'incoming', circuit: 'EREREREREREREREREREREQ', from: host.id },
  { op: 'ping' },
];
const relayLineSurface: Surface<string> = {
  name: 'relay line',
  arbitrary: fc.oneof(
    fc.oneof(...relayLines.map(line => mutations(line as never))).map(doc => JSON.stringify(doc)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  ),
  run: input =>
    [
      outcome(() => parseRelayRequest(input, NONCE)),
      outcome(() => parseRelayAnswer(input)),
      outcome(() => parseControlLine(input)),
    ].join(' '),
};

const nameSurface: Surface<string> = {
  name: 'member name',
  arbitrary: fc.string({ unit: 'binary', maxLength: 80 }),
  run: input => outcome(() => normaliseName(input)),
};

export const DECODERS: Surface[] = [
  envelopeSurface,
  deliverySurface as Surface,
  snapshotSurface,
  requestSurface,
  timeslotSurface,
  certifiedSurface,
  evidenceSurface,
  actionSurface,
  checkpointSurface,
  receiptSurface,
  reportSurface,
  refSurface,
  frameSurface as Surface,
  relayLineSurface as Surface,
  nameSurface as Surface,
];
