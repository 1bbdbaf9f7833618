// captp-transport/dial-candidates.ts: reaching a vat that has several
// addresses (docs/protocol.md §2.8). Paths are opened in the reference's
// order, each given STAGGER_MS before the next starts beside it (a private
// address seen from outside its NAT drops our SYN and would otherwise cost a
// whole timeout); the first path to open carries the TLS handshake, and the
// others are closed before any TLS crosses them, so the peer sees one
// connection. A path that opens but does not authenticate as the vat (an
// address that means another machine here) is dropped and the rest are tried.
// A relay's circuit comes with the other vat's punch address: for up to
// PUNCH_GRACE_MS we try a direct connection there (both sides at once), and
// if TLS authenticates over it the circuit is closed unused.
import type { WebSocket } from 'ws';
import { formatAddress, type PeerAddress } from './address.js';
import { dialOver, openPath, type DialContext } from './dialer.js';
import { debugLog } from './debug-log.js';
import { punchFrom, type Circuit } from './relay-client.js';
import type { SessionPath } from './session.js';
import { errorCode, errorSentence } from './error-code.js';
import { short, type VatId } from './vat-id.js';

export const STAGGER_MS = 300;
export const PUNCH_GRACE_MS = 700;

/** Failures that would be the same on every path: the vat itself answered. */
const FINAL = new Set(['duplicate', 'refused']);

const raceOpen = (
  ctx: DialContext,
  peer: VatId,
  candidates: readonly PeerAddress[],
  failures: Map<PeerAddress, Error>,
): Promise<Circuit & { address: PeerAddress }> =>
  new Promise((resolve, reject) => {
    let started = 0;
    let failed = 0;
    let won = false;
    const startNext = () => {
      if (won || started >= candidates.length) return;
      const address = candidates[started]!;
      started += 1;
      const stagger = setTimeout(startNext, STAGGER_MS);
      openPath(ctx, peer, address).then(
        opened => {
          clearTimeout(stagger);
          if (won) {
            opened.socket.destroy();
            return;
          }
          won = true;
          resolve({ ...opened, address });
        },
        (error: Error) => {
          clearTimeout(stagger);
          failures.set(address, error);
          failed += 1;
          if (failed === candidates.length) reject(error);
          else startNext();
        },
      );
    };
    startNext();
  });

/** All failures as one error: their code when they share one, else [unreachable]. */
const combined = (
  peer: VatId,
  addresses: readonly PeerAddress[],
  failures: Map<PeerAddress, Error>,
): Error => {
  const errors = [...failures.values()];
  if (errors.length === 1) return errors[0]!;
  const codes = new Set(errors.map(errorCode));
  const code = codes.size === 1 ? [...codes][0] : 'unreachable';
  const each = errors.map(e => `(${errorCode(e)}) ${errorSentence(e)}`).join('; ');
  return Error(
    `[${code}] vat ${short(peer)} answered at none of its ${addresses.length} addresses (${addresses.map(formatAddress).join(', ')}): ${each}`,
  );
};

/** A session over a punched direct connection, or undefined (the circuit carries it then). */
const punched = async (
  ctx: DialContext,
  peer: VatId,
  punch: NonNullable<Circuit['punch']>,
): Promise<Dialed | undefined> => {
  const address: PeerAddress = { via: 'direct', ...punch.to };
  try {
    const socket = await punchFrom(punch.localPort, punch.to, PUNCH_GRACE_MS);
    return { ws: await dialOver(ctx, peer, address, socket), path: 'punched' };
  } catch (error) {
    debugLog('transport', `no direct path to ${short(peer)}: ${(error as Error).message}`);
    return undefined;
  }
};

export interface Dialed {
  ws: WebSocket;
  path: Exclude<SessionPath, 'inbound'>;
}

export const dialCandidates = async (
  ctx: DialContext,
  peer: VatId,
  addresses: readonly PeerAddress[],
): Promise<Dialed> => {
  const failures = new Map<PeerAddress, Error>();
  for (;;) {
    const left = addresses.filter(a => !failures.has(a));
    if (left.length === 0) throw combined(peer, addresses, failures);
    let opened: Circuit & { address: PeerAddress };
    try {
      opened = await raceOpen(ctx, peer, left, failures);
    } catch {
      continue; // every path left failed to open: each has its failure now
    }
    if (opened.punch) {
      const direct = await punched(ctx, peer, opened.punch);
      if (direct) {
        opened.socket.destroy();
        return direct;
      }
    }
    try {
      return {
        ws: await dialOver(ctx, peer, opened.address, opened.socket),
        path: opened.address.via,
      };
    } catch (error) {
      if (FINAL.has(errorCode(error) ?? '')) throw error;
      failures.set(opened.address, error as Error);
    }
  }
};
harden(dialCandidates);
