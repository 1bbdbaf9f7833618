// `stoa init`: make (or show) a vat identity.
import { loadOrCreateIdentity } from '../../vat/index.js';
import { dataDirOf, parseOptions, type Command } from './command.js';

export const initCommand: Command = {
  usage: '[--data DIR]',
  summary:
    'Creates the vat identity in DIR (default ~/.stoa) if there is none, and prints its VatId.',
  async run(argv) {
    const { values } = parseOptions(argv, { data: { type: 'string' } });
    const dataDir = dataDirOf(values.data);
    const { credentials, created } = loadOrCreateIdentity(dataDir);
    console.log(credentials.vatId);
    console.error(
      created
        ? `created a vat identity in ${dataDir}`
        : `${dataDir} already holds this vat identity`,
    );
    return 0;
  },
};
