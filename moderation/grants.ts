// moderation/grants.ts: auditor grants, kept in the archive log itself. A
// grant is logged (`auditor-granted` with its grant id) before its facet
// works, a revocation (`auditor-revoked`) before it takes effect; at start the
// grants are replayed from the log and each live one is exported again under
// its own name, so its sturdy ref keeps working across restarts; a revoked
// one is exported too, and refuses every call with `[revoked]`, for good
// (its facet checks). Granting a label a role it already
// holds returns the live grant; after a revocation a grant is a new
// capability under a new sturdy ref.
import { randomBytes } from 'node:crypto';
import type { VatId } from '../captp-transport/index.js';
import type { Vat } from '../vat/index.js';
import type { Archive, EntryKind, Receipt } from './archive.js';

export type AuditorRole = 'triage' | 'act' | 'admin';
export const ROLES: readonly AuditorRole[] = harden(['triage', 'act', 'admin']);

export interface Grant {
  grantId: string;
  label: string;
  role: AuditorRole;
  revoked: boolean;
  /** Resolves once the grant is in the log; its facet waits for it. */
  logged: Promise<unknown>;
}

export interface Grants {
  /** The label's live grant of `role` (made and logged if there is none); returns its sturdy ref. */
  grant(role: AuditorRole, label: string): string;
  /** The same, resolving once the grant is in the log. */
  grantLogged(role: AuditorRole, label: string): Promise<string>;
  /** Revokes every live grant under `label`: logged first, then refused for good. */
  revoke(label: string): Promise<void>;
  /** Resolves once every grant and revocation made so far is in the log. */
  settled(): Promise<void>;
}

/** Makes the facet an auditor vat gets for a grant. */
export type MakeAuditor = (grant: Grant, auditor: VatId) => object;

const exportName = (grantId: string) => `moderation:auditor:${grantId}`;

export const checkGrant = (role: unknown, label: unknown): void => {
  if (!ROLES.includes(role as AuditorRole))
    throw Error(`[bad-role] an auditor role is triage, act or admin, not ${JSON.stringify(role)}`);
  if (typeof label !== 'string' || !label.trim() || label.length > 64)
    throw Error('[bad-label] an auditor label is 1 to 64 characters');
};
harden(checkGrant);

/** Replays the log's grants and revocations, in order, and exports each grant again under its name. */
export const openGrants = async (
  vat: Vat,
  archive: Archive,
  log: (kind: EntryKind, body: unknown) => Promise<Receipt>,
  makeAuditor: MakeAuditor,
): Promise<Grants> => {
  const grants = new Map<string, Grant>();
  const refs = new Map<string, string>();
  let pending: Promise<unknown> = Promise.resolve();
  const exportGrant = (grant: Grant) => {
    grants.set(grant.grantId, grant);
    refs.set(
      grant.grantId,
      vat.exportPerPeer(auditor => makeAuditor(grant, auditor), {
        name: exportName(grant.grantId),
      }),
    );
  };
  const entries = [
    ...(await archive.list('auditor-granted', 1_000_000)),
    ...(await archive.list('auditor-revoked', 1_000_000)),
  ].sort((a, b) => a.index - b.index);
  for (const entry of entries) {
    const body = JSON.parse(entry.body) as { label: string; role?: AuditorRole; grantId?: string };
    if (entry.kind === 'auditor-revoked') {
      for (const g of grants.values()) if (g.label === body.label) g.revoked = true;
    } else if (body.grantId) {
      // Grants logged before grant ids existed had no stable sturdy ref; they are not brought back.
      grants.set(body.grantId, {
        grantId: body.grantId,
        label: body.label,
        role: body.role!,
        revoked: false,
        logged: Promise.resolve(),
      });
    }
  }
  for (const grant of [...grants.values()]) exportGrant(grant);

  const later = (step: Promise<unknown>) => {
    pending = Promise.all([pending, step.catch(() => undefined)]);
    return step;
  };
  const grantFor = (role: AuditorRole, label: string): Grant => {
    checkGrant(role, label);
    const live = [...grants.values()].find(g => g.label === label && g.role === role && !g.revoked);
    if (live) return live;
    const grantId = randomBytes(12).toString('base64url');
    const grant: Grant = {
      grantId,
      label,
      role,
      revoked: false,
      logged: later(log('auditor-granted', { label, role, grantId })),
    };
    exportGrant(grant);
    return grant;
  };
  return harden({
    grant: (role: AuditorRole, label: string) => refs.get(grantFor(role, label).grantId)!,
    async grantLogged(role: AuditorRole, label: string) {
      const grant = grantFor(role, label);
      await grant.logged;
      return refs.get(grant.grantId)!;
    },
    async revoke(label: string) {
      const matching = [...grants.values()].filter(g => g.label === label && !g.revoked);
      if (matching.length === 0)
        throw Error(`[unknown-auditor] no auditor ${JSON.stringify(label)} to revoke`);
      await later(log('auditor-revoked', { label }));
      for (const g of matching) g.revoked = true;
    },
    settled: async () => {
      await pending;
    },
  });
};
harden(openGrants);
