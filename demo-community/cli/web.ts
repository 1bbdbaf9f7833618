// `stoa web [--new-token]`: the address of the vat's page, kept in DIR/web.json
// (web-address.ts). A new token works whether the vat runs or not: the running
// vat switches to it at once; a stopped one is locked while the file changes,
// so it cannot start halfway through.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { askVat } from '../daemon/console-client.js';
import { lockDataDir } from '../../vat/data-dir-lock.js';
import { makeWebToken, readWebAddress, saveWebAddress } from '../web/web-address.js';
import { dataDirOf, parseOptions, type Command } from './command.js';

const newTokenWhileStopped = (dataDir: string) => {
  if (!existsSync(join(dataDir, 'identity')))
    throw Error(`[no-vat] ${dataDir} holds no vat; make one with: stoa init --data ${dataDir}`);
  const release = lockDataDir(dataDir); // [data-dir-in-use] if a vat runs there unreachable
  try {
    let port = 0;
    try {
      port = readWebAddress(dataDir)?.port ?? 0;
    } catch {
      // a damaged file is what --new-token replaces
    }
    saveWebAddress(dataDir, { token: makeWebToken(), port });
  } finally {
    release();
  }
};

export const webCommand: Command = {
  usage: '[--new-token] [--data DIR]',
  summary:
    "Prints the address of the running vat's web page (127.0.0.1, with its token: keep it to yourself). The address\n" +
    '      is kept in DIR/web.json (owner only), so a bookmark works after a restart;\n' +
    '      --new-token makes a new token: the old address stops working (now if the vat runs, else when it starts).',
  async run(argv) {
    const { values } = parseOptions(argv, {
      data: { type: 'string' },
      'new-token': { type: 'boolean' },
    });
    const dataDir = dataDirOf(values.data);
    if (!values['new-token']) {
      console.log(await askVat(dataDir, 'web.url'));
      return 0;
    }
    const url = await askVat(dataDir, 'web.newToken').catch((error: Error) => {
      if (!/^\[no-vat\]/.test(error.message)) throw error;
      newTokenWhileStopped(dataDir);
      return undefined;
    });
    if (typeof url === 'string') console.log(url);
    else
      console.error(
        url === null
          ? 'a new page token is kept; this vat runs with --no-web: the page is served under it once the vat serves its page'
          : `a new page token is kept in ${dataDir}; the old address no longer works. The vat serves the page under it when it starts (stoa vat start); then stoa web prints the address`,
      );
    return 0;
  },
};
