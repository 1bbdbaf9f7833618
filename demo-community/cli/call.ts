// `stoa call`: fetch a sturdy ref and call one method on it, from a throwaway
// vat (or the identity in --data): a health check and a scripting aid.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E } from '@endo/far';
import { parseRef, startVat } from '../../vat/index.js';
import { parseOptions, type Command } from './command.js';
import { terminalJson } from './terminal-text.js';

const parseArg = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a bare word is a string
  }
};

export const callCommand: Command = {
  usage: 'REF|- METHOD [ARG ...] [--data DIR]',
  summary:
    'Fetches the sturdy ref REF and calls METHOD with the ARGs (JSON, or bare strings); prints the result as JSON.\n' +
    '      REF "-" reads the ref from stdin (a ref is a secret: keep it out of ps and shell history).',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { data: { type: 'string' } }, true);
    const [given, method, ...args] = positionals;
    if (!given || !method) throw Error('[usage] needs a sturdy ref (or -) and a method name');
    const ref = given === '-' ? readFileSync(0, 'utf8').trim() : given;
    parseRef(ref, 's'); // a malformed ref fails here, before any vat starts
    const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'stoa-call-'));
    const vat = await startVat({ dataDir, port: 0 });
    try {
      const target = await vat.fetch<Record<string, (...a: unknown[]) => unknown>>(ref);
      const result = await E(target)[method]!(...args.map(parseArg));
      console.log(terminalJson(result)); // a peer's answer: shown, never obeyed
      return 0;
    } finally {
      await vat.close();
      if (!values.data) rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
