// Computes the relay protocol's test vectors (docs/protocol.md §2.8) from the
// specification alone, with node:crypto and nothing of Stoa's code, so the
// vectors check the code rather than repeat it. Run:
//   node test/vectors/relay/make-vectors.mjs > test/vectors/relay/vectors.json
import { sign } from 'node:crypto';
import { keyOf } from '../seed-keys.mjs';

const bob = keyOf(8); // behind NAT: reserves and accepts
const alice = keyOf(7); // dials through the relay
const NONCE = Buffer.alloc(16, 0x2a).toString('base64url');
const CIRCUIT = Buffer.alloc(16, 0x11).toString('base64url');

// §2.8: sig = b64u(Ed25519(key, utf8("stoa/relay/v1\n" + op + "\n" + subject + "\n" + nonce)))
const request = (who, op, subject, extra) => {
  const signed = Buffer.from(`stoa/relay/v1\n${op}\n${subject}\n${NONCE}`, 'utf8');
  const sig = sign(null, signed, who.key).toString('base64url');
  return {
    op,
    signedHex: signed.toString('hex'),
    line: `${JSON.stringify({ op, vat: who.vatId, ...extra, sig })}\n`,
  };
};

// A punch port rides beside the signed fields: the signature is the same without it.
const vectors = [
  request(bob, 'reserve', '', {}),
  request(alice, 'connect', bob.vatId, { to: bob.vatId }),
  request(bob, 'accept', CIRCUIT, { circuit: CIRCUIT }),
  request(alice, 'connect', bob.vatId, { to: bob.vatId, punch: 40000 }),
  request(bob, 'accept', CIRCUIT, { circuit: CIRCUIT, punch: 50000 }),
];

// §3.1: references with several addresses, and what they name.
const secret = 'AAAAAAAAAAAAAAAAAAAAAA';
const refs = [
  { uri: `stoa://${bob.vatId}@10.1.0.2:7000/s/${secret}`, addresses: [['direct', '10.1.0.2', 7000]] },
  {
    uri: `stoa://${bob.vatId}@10.1.0.2:7000,relay:172.31.0.1:4000,relay:[::1]:9/g/${secret}`,
    addresses: [
      ['direct', '10.1.0.2', 7000],
      ['relay', '172.31.0.1', 4000],
      ['relay', '::1', 9],
    ],
  },
].map(r => ({ ...r, addresses: r.addresses.map(([via, host, port]) => ({ via, host, port })) }));

console.log(
  JSON.stringify(
    {
      keys: { alice: alice.vatId, bob: bob.vatId, seeds: 'alice 0x07 × 32, bob 0x08 × 32 (Ed25519 seeds)' },
      nonce: NONCE,
      circuit: CIRCUIT,
      hello: 'stoa-relay/1\n',
      requests: vectors,
      refs,
    },
    null,
    2,
  ),
);
