// The replicated room's formats (docs/protocol.md §4.8) against vectors an
// independent script computed (test/vectors/quorum/make-vectors.mjs): the code
// opens what the specification says is good, makes the same text from the same
// fields, and refuses what is short of a majority.
import test from '@endo/ses-ava/prepare-endo.js';
import { readFileSync } from 'node:fs';
import { canonical } from '../../presence/index.js';
import { openCertified, parseQuorumSnapshot, snapshotHash } from '../../unum/quorum/certified.js';
import { checkEvidence } from '../../unum/quorum/evidence.js';
import { openRequest } from '../../unum/quorum/request.js';
import { openTimeslot } from '../../unum/quorum/timeslot.js';

const V = JSON.parse(
  readFileSync(new URL('../vectors/quorum/vectors.json', import.meta.url), 'utf8'),
);
const replicas: string[] = V.keys.replicas;

test('a request opens, its id is the hash of its text, and canonical() makes the same text', t => {
  const opened = openRequest({ request: V.request.text, sig: V.request.sig }, V.room);
  t.is(opened.id, V.request.id);
  t.is(opened.request.author, V.keys.alice);
  t.is(canonical(JSON.parse(V.request.text)), V.request.text);
  t.throws(() => openRequest({ request: V.request.text, sig: V.timeslot.sig }, V.room), {
    message: /^\[bad-request\].*not signed/,
  });
  t.throws(() => openRequest({ request: V.request.text, sig: V.request.sig }, 'other~room'), {
    message: /^\[bad-request\].*another room/,
  });
});

test('a timeslot opens from a replica of the set only', t => {
  const signed = { timeslot: V.timeslot.text, sig: V.timeslot.sig };
  const { timeslot } = openTimeslot(signed, V.room, replicas);
  t.deepEqual(timeslot.arrivals, [[V.request.id, 1767225601012]]);
  t.is(canonical(timeslot), V.timeslot.text);
  t.throws(() => openTimeslot(signed, V.room, replicas.slice(1)), {
    message: /^\[bad-timeslot\].*not a replica/,
  });
});

test('a snapshot signed by two of three replicas is certified; one signature is not', t => {
  const { certified } = V.snapshot;
  const snapshot = openCertified(certified, replicas, V.room);
  t.is(snapshot.cseq, 4);
  t.is(snapshotHash(certified.snapshot), V.snapshot.hash);
  t.is(canonical(parseQuorumSnapshot(certified.snapshot)), certified.snapshot);
  t.throws(() => openCertified({ ...certified, sigs: certified.sigs.slice(0, 1) }, replicas), {
    message: /^\[bad-snapshot\].*1 good signatures.*not the 2/,
  });
  t.throws(
    () => openCertified({ ...certified, sigs: [certified.sigs[0], certified.sigs[0]] }, replicas),
    { message: /^\[bad-snapshot\]/ },
    'one replica counted once',
  );
});

test('evidence against replica c checks, both kinds', t => {
  t.is(checkEvidence(V.evidence.againstMajority).replica, replicas[2]);
  t.is(checkEvidence(V.evidence.doubleSign).kind, 'double-sign');
  t.throws(() => checkEvidence({ ...V.evidence.doubleSign, replica: replicas[1] }), {
    message: /^\[bad-evidence\]/,
  });
  t.throws(
    () =>
      checkEvidence({
        ...V.evidence.againstMajority,
        second: {
          ...V.evidence.againstMajority.second,
          sigs: V.snapshot.certified.sigs.slice(0, 1),
        },
      }),
    { message: /^\[bad-evidence\].*without 2 signatures/ },
  );
});
