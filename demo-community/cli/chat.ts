// `stoa chat ROOM`: chat in the terminal through the running vat. Lines
// scroll above an input line; `/whisper NAME text`, `/report NAME [category]`,
// `/who`, `/leave`, `/quit` (or Ctrl-D).
import { createInterface } from 'node:readline';
import { askVat, watchVat } from '../daemon/console-client.js';
import { dataDirOf, parseOptions, type Command } from './command.js';
import type { DeskLine, DeskMember as Member, DeskReceipt } from '../daemon/desk-types.js';

type Event =
  | { type: 'message'; line: DeskLine }
  | { type: 'roster'; members: Member[] }
  | { type: 'host'; reachable: boolean }
  | { type: 'removed'; reason: string }
  | { type: 'receipt'; receipt: DeskReceipt };

const rosterLine = (members: Member[]) => {
  const away = members.filter(m => !m.reachable).map(m => m.name);
  return `* in the room: ${members.map(m => m.name).join(', ')}${away.length ? `; may not hear you: ${away.join(', ')}` : ''}`;
};

const receiptLine = (r: DeskReceipt) =>
  `${r.verdict ?? 'sent'}${r.caseId ? ` (case ${r.caseId})` : ''}${r.receipt ? `, receipt for log entry ${r.receipt.index} of ${r.receipt.size}` : ''}`;

/** The terminal line for one event the vat streams. */
const describe = (event: Event): string => {
  switch (event.type) {
    case 'message': {
      const { line } = event;
      if (line.hiddenBy) return `* a line by ${line.name} was hidden (rule ${line.hiddenBy})`;
      return `${line.name}${line.whisperTo ? ` (whisper to ${line.whisperTo})` : ''}: ${line.text}${line.warnedBy ? ` [warned: ${line.warnedBy}]` : ''}`;
    }
    case 'roster':
      return rosterLine(event.members);
    case 'host':
      return event.reachable
        ? '* the host is reachable'
        : '* the host is unreachable: chat goes on; joins and kicks wait';
    case 'removed':
      return `* you were removed: ${event.reason}`;
    default:
      return `* your vat reported a line by itself (${event.receipt.trigger}): ${receiptLine(event.receipt)}`;
  }
};

export const chatCommand: Command = {
  usage: 'ROOM',
  summary:
    'Chats in ROOM through the running vat: type to say; /whisper NAME text, /report NAME [category], /who, /leave, /quit.',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { data: { type: 'string' } }, true);
    const [room] = positionals;
    if (!room) throw Error('[usage] needs a room (see stoa rooms)');
    const dir = dataDirOf(values.data);
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: `${room}> `,
    });
    const show = (line: string) => {
      process.stdout.write(`\r\x1b[K${line}\n`);
      rl.prompt(true);
    };
    let members: Member[] = [];
    const watch = await watchVat(dir, 'room.watch', { room }, event => {
      const e = event as Event;
      if (e.type === 'roster') members = e.members;
      show(describe(e));
    });
    /** Says who a line just sent did not reach. */
    const missed = (result: unknown) => {
      const names = (result as { missed?: string[] }).missed ?? [];
      if (names.length) show(`* not heard by ${names.join(', ')} (unreachable now)`);
    };
    show(`* chatting in ${room}; /whisper NAME text, /report NAME [category], /who, /leave, /quit`);
    const act = async (input: string) => {
      const [first, second, ...rest] = input.trim().split(/\s+/);
      if (first === '/quit') return rl.close();
      if (first === '/who') return show(rosterLine(members));
      if (first === '/leave') {
        await askVat(dir, 'leave', { room });
        return rl.close();
      }
      if (first === '/whisper') {
        if (!second || rest.length === 0) return show('* usage: /whisper NAME text');
        missed(await askVat(dir, 'whisper', { room, to: second, text: rest.join(' ') }));
        return undefined; // the line comes back from the vat
      }
      if (first === '/report') {
        if (!second) return show('* usage: /report NAME [category]');
        const receipt = (await askVat(dir, 'report', {
          room,
          name: second,
          category: rest.join(' ') || 'other',
        })) as DeskReceipt;
        return show(`* reported ${second}: ${receiptLine(receipt)}`);
      }
      if (input.trim()) missed(await askVat(dir, 'say', { room, text: input }));
      return rl.prompt();
    };
    rl.on('line', input => {
      act(input).catch((error: Error) => show(`* ${error.message}`));
    });
    rl.prompt();
    const why = await Promise.race([
      watch.ended,
      new Promise<undefined>(resolve => rl.once('close', () => resolve(undefined))),
    ]);
    watch.close();
    rl.close();
    if (why) throw Error(why);
    return 0;
  },
};
