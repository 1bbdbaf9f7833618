import test from '@endo/ses-ava/prepare-endo.js';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../../vat/index.js';
import { tempDir } from '../helpers.js';

test('the identity is made on first start, with a private key only its owner can read', t => {
  const dataDir = join(tempDir(t), 'vat');
  const first = loadOrCreateIdentity(dataDir);
  t.true(first.created);
  t.is(statSync(join(dataDir, 'identity', 'key.pem')).mode & 0o777, 0o600);
  t.is(statSync(join(dataDir, 'identity')).mode & 0o777, 0o700);
  const again = loadOrCreateIdentity(dataDir);
  t.false(again.created);
  t.is(again.credentials.vatId, first.credentials.vatId);
  t.deepEqual(readdirSync(dataDir), ['identity'], 'no staging folder left behind');
});

test('a private key readable by others is refused, with the fix in the message', t => {
  const dataDir = tempDir(t);
  loadOrCreateIdentity(dataDir);
  const keyPath = join(dataDir, 'identity', 'key.pem');
  chmodSync(keyPath, 0o644);
  t.throws(() => loadOrCreateIdentity(dataDir), {
    message: `[unsafe-key] ${keyPath} is readable by others (mode 644); run: chmod 600 ${keyPath}`,
  });
});

test('a missing or foreign certificate is remade from the key', t => {
  const dataDir = tempDir(t);
  const { credentials } = loadOrCreateIdentity(dataDir);
  const other = loadOrCreateIdentity(tempDir(t)).credentials;
  writeFileSync(join(dataDir, 'identity', 'cert.pem'), other.certPem);
  const reloaded = loadOrCreateIdentity(dataDir).credentials;
  t.is(reloaded.vatId, credentials.vatId);
  t.not(reloaded.certPem, other.certPem);
});

test('a data directory that cannot be made is a clear error, and the key is never in it', t => {
  const file = join(tempDir(t), 'a-file');
  writeFileSync(file, '');
  const error = t.throws(() => loadOrCreateIdentity(join(file, 'vat')), {
    message: /^\[bad-data-dir\] cannot create data directory .*a-file\/vat: ENOTDIR$/,
  });
  t.false(error!.message.includes('PRIVATE KEY'));
});
