// demo-community/web/web-address.ts: a vat's page address kept in its data
// directory (DIR/web.json, owner only: the token is the page's key), so that
// a bookmark still works after the vat restarts: the token, and the port the
// page was last served on. `stoa web --new-token` replaces the token, and the
// old address stops working.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WebAddress {
  token: string;
  /** 0 until a page was served. */
  port: number;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** A new page token: 24 random bytes, base64url. */
export const makeWebToken = (): string => randomBytes(24).toString('base64url');
harden(makeWebToken);

export const webAddressFile = (dataDir: string) => join(dataDir, 'web.json');

/** The kept address, or undefined when there is none yet; a damaged file is refused, not replaced. */
export const readWebAddress = (dataDir: string): WebAddress | undefined => {
  const file = webAddressFile(dataDir);
  if (!existsSync(file)) return undefined;
  chmodSync(file, 0o600); // owner only, even if someone widened it
  let kept: Partial<WebAddress> | undefined;
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<WebAddress>;
  } catch {
    // kept stays undefined
  }
  const port = kept?.port ?? 0;
  // Never the file's text in the error: it holds the token.
  if (typeof kept?.token !== 'string' || !TOKEN.test(kept.token) || !Number.isInteger(port))
    throw Error(
      `[bad-web-address] ${file} does not hold a page address; remove it, or make a new one with: stoa web --new-token`,
    );
  return { token: kept.token, port: Math.max(0, Math.min(65535, port)) };
};

/** Writes the address (mode 0600), whole or not at all: a crash midway leaves the old one. */
export const saveWebAddress = (dataDir: string, address: WebAddress) => {
  const file = webAddressFile(dataDir);
  const next = `${file}.new`;
  writeFileSync(next, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  chmodSync(next, 0o600);
  renameSync(next, file);
};
