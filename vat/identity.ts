// vat/identity.ts: the vat's Ed25519 key pair and certificate (docs/protocol.md §1),
// made on first start and kept in `<dataDir>/identity/`.
// The private key file is mode 0600 and a looser mode is refused, as ssh does.
// Creation is atomic: both files are written into a fresh folder that is then
// renamed into place, so a crash never leaves half an identity behind.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  X509Certificate,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  makeCertificate,
  vatIdOfCertificate,
  vatIdOfKey,
  type Credentials,
} from '../captp-transport/index.js';

const KEY_FILE = 'key.pem';
const CERT_FILE = 'cert.pem';

export interface IdentityFiles {
  credentials: Credentials;
  /** True when this call made the identity. */
  created: boolean;
}

/** Writes and fsyncs a new file: after a power cut it is whole or absent. */
const writeDurably = (path: string, data: string, mode: number) => {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

const fsyncDir = (dir: string) => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

const makeIdentityFolder = (folder: string): void => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(folder, { mode: 0o700 });
  writeDurably(
    join(folder, KEY_FILE),
    privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    0o600,
  );
  writeDurably(join(folder, CERT_FILE), makeCertificate(publicKey, privateKey), 0o644);
  fsyncDir(folder);
};

/** Reads the identity in `dataDir`, creating the folder and identity if there are none. */
export const loadOrCreateIdentity = (dataDir: string): IdentityFiles => {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw Error(
      `[bad-data-dir] cannot create data directory ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  const folder = join(dataDir, 'identity');
  let created = false;
  if (!existsSync(folder)) {
    const staging = join(dataDir, `.identity-${process.pid}-${Date.now()}`);
    try {
      makeIdentityFolder(staging);
      renameSync(staging, folder);
      fsyncDir(dataDir);
      created = true;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (existsSync(folder)) return loadOrCreateIdentity(dataDir); // another process made it first
      throw Error(
        `[bad-data-dir] cannot write an identity in ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const keyPath = join(folder, KEY_FILE);
  let keyPem: string;
  let mode: number;
  try {
    mode = statSync(keyPath).mode & 0o777;
    if (mode & 0o077) {
      throw Error(
        `[unsafe-key] ${keyPath} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${keyPath}`,
      );
    }
    keyPem = readFileSync(keyPath, 'utf8');
  } catch (error) {
    if ((error as Error).message.startsWith('[unsafe-key]')) throw error;
    throw Error(
      `[bad-data-dir] cannot read the vat key in ${folder}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  let vatId: string;
  try {
    vatId = vatIdOfKey(createPublicKey(createPrivateKey(keyPem)));
  } catch {
    throw Error(`[bad-data-dir] ${keyPath} is not an Ed25519 private key`);
  }
  // The certificate is derived data: remake it if it is missing or not ours.
  const certPath = join(folder, CERT_FILE);
  let certPem = existsSync(certPath) ? readFileSync(certPath, 'utf8') : '';
  let certOk = false;
  try {
    certOk = vatIdOfCertificate(new X509Certificate(certPem)) === vatId;
  } catch {
    certOk = false;
  }
  if (!certOk) {
    const privateKey = createPrivateKey(keyPem);
    certPem = makeCertificate(createPublicKey(privateKey), privateKey);
    writeFileSync(`${certPath}.tmp`, certPem, { mode: 0o644 });
    renameSync(`${certPath}.tmp`, certPath);
  }
  // Only when it differs: on a read-only data directory a needless chmod would fail.
  if (mode !== 0o600) chmodSync(keyPath, 0o600);
  return harden({ credentials: harden({ vatId, certPem, keyPem }), created });
};
harden(loadOrCreateIdentity);
