// `stoa room create|join`, `stoa rooms`, `stoa say`, `stoa whisper`,
// `stoa history`: act through the running vat of DIR (stoa vat start).
import { askVat } from '../daemon/console-client.js';
import { dataDirOf, parseOptions, type Command } from './command.js';
import { terminalJson } from './terminal-text.js';

/** A command that asks the running vat of DIR (`--data`) one console command and prints its answer. */
export const viaVat = (
  usage: string,
  summary: string,
  cmd: string,
  toArgs: (positionals: string[], values: Record<string, unknown>) => Record<string, unknown>,
  extra: Record<string, { type: 'string' }> = {},
): Command => ({
  usage: `${usage} [--data DIR]`,
  summary,
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      { data: { type: 'string' }, ...extra },
      true,
    );
    const result = await askVat(dataDirOf(values.data), cmd, toArgs(positionals, values));
    console.log(terminalJson(result, 2));
    return 0;
  },
});

export const need = (value: string | undefined, what: string) => {
  if (!value) throw Error(`[usage] needs ${what}`);
  return value;
};

export const roomCommands: Record<string, Command> = {
  'room create': viaVat(
    'NAME [--moderation INBOX] [--replicas 1|3|5]',
    'Hosts a new room in the running vat and prints its invite (a secret: share it with those you invite).\n' +
      "      --moderation takes a moderation service's report inbox (the reportInbox `stoa moderation start` prints): members' reports go there.\n" +
      "      --replicas 3 or 5: the room's roster, bans and rules are held by that many vats and decided by their majority;\n" +
      '      this vat is the first, and it prints a replicaInvite to run `stoa room replicate` with on each of the others.',
    'room.create',
    ([name], v) => ({
      name: need(name, 'a room name'),
      ...(v.moderation ? { moderation: v.moderation } : {}),
      ...(v.replicas ? { replicas: Number(v.replicas) } : {}),
    }),
    { moderation: { type: 'string' }, replicas: { type: 'string' } },
  ),
  'room replicate': viaVat(
    'REPLICA_INVITE',
    'Makes the running vat one of the replicas of a room (the replicaInvite `stoa room create --replicas` printed);\n' +
      '      it serves it again by itself after a restart.',
    'room.replicate',
    ([invite]) => ({ invite: need(invite, 'a replica invite') }),
  ),
  'room join': viaVat(
    'INVITE --name NAME',
    'Joins a room with the running vat under NAME.',
    'room.join',
    ([invite], v) => ({
      invite: need(invite, 'an invite'),
      name: need(v.name as string, '--name NAME'),
    }),
    { name: { type: 'string' } },
  ),
  rooms: viaVat('', 'Lists the rooms the running vat hosts and has joined.', 'rooms', () => ({})),
  say: viaVat(
    'ROOM TEXT',
    'Says TEXT in ROOM (its name or id), signed and sent to every member directly.',
    'say',
    ([room, ...text]) => ({
      room: need(room, 'a room'),
      text: need(text.join(' '), 'some text'),
    }),
  ),
  whisper: viaVat(
    'ROOM NAME TEXT',
    'Says TEXT to one member of ROOM only.',
    'whisper',
    ([room, to, ...text]) => ({
      room: need(room, 'a room'),
      to: need(to, 'a member name'),
      text: need(text.join(' '), 'some text'),
    }),
  ),
  history: viaVat(
    'ROOM [--limit N]',
    'Prints the last lines the running vat saw in ROOM.',
    'history',
    ([room], v) => ({ room: need(room, 'a room'), limit: Number(v.limit ?? 50) }),
    { limit: { type: 'string' } },
  ),
};
