// `stoa chat ROOM`: chat in the terminal through the running vat. Lines
// scroll above an input line; `/whisper NAME text`, `/report NAME [category]`,
// `/who`, `/leave`, `/quit` (or Ctrl-D).
import { createInterface } from 'node:readline';
import { askVat, watchVat } from '../daemon/console-client.js';
import { dataDirOf, parseOptions, type Command } from './command.js';
import type { DeskLine, DeskMember as Member, DeskReceipt } from '../daemon/desk-types.js';
import { receiptWords } from '../daemon/desk-words.js';
import { splitCode } from './error-code.js';
import { terminalText as safe } from './terminal-text.js';

export type Event =
  | { type: 'message'; line: DeskLine }
  | { type: 'roster'; members: Member[] }
  | { type: 'host'; reachable: boolean }
  | { type: 'removed'; reason: string }
  | { type: 'receipt'; receipt: DeskReceipt };

const rosterLine = (members: Member[]) => {
  const away = members.filter(m => !m.reachable).map(m => safe(m.name));
  return `* in the room: ${members.map(m => safe(m.name)).join(', ')}${away.length ? `; may not hear you: ${away.join(', ')}` : ''}`;
};

const receiptLine = (r: DeskReceipt) => safe(receiptWords(r));

/** The terminal line for one event the vat streams; whatever came from peers is made safe to print. */
export const describe = (event: Event): string => {
  switch (event.type) {
    case 'message': {
      const { line } = event;
      const name = safe(line.name);
      if (line.notice || line.outcome) return `* ${safe(line.text)}`;
      if (line.hiddenBy) return `* a line by ${name} was hidden (rule ${safe(line.hiddenBy)})`;
      return `${name}${line.whisperTo ? ` (whisper to ${safe(line.whisperTo)})` : ''}: ${safe(line.text)}${line.warnedBy ? ` [warned: ${safe(line.warnedBy)}]` : ''}`;
    }
    case 'roster':
      return rosterLine(event.members);
    case 'host':
      return event.reachable
        ? '* the host is reachable'
        : '* the host is unreachable: chat goes on; joins and kicks wait';
    case 'removed':
      return `* you were removed: ${safe(event.reason)}`;
    default:
      return `* your vat reported a line by itself (${safe(event.receipt.trigger)}): ${receiptLine(event.receipt)}`;
  }
};

const COMMANDS = ['/whisper', '/report', '/who', '/help', '/leave', '/quit'];
const HELP =
  'type to say; /whisper NAME text, /report NAME [category], /who, /help, /leave, /quit; //text says a line starting with /';

/** What a typed line is: a line to say, a known command, or a `/word` that is neither (never sent). */
export const commandOf = (input: string): 'say' | 'command' | 'unknown' => {
  const trimmed = input.trim();
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) return 'say';
  return COMMANDS.includes(trimmed.split(/\s+/)[0]!) ? 'command' : 'unknown';
};

export const chatCommand: Command = {
  usage: 'ROOM',
  summary:
    'Chats in ROOM through the running vat: type to say; /whisper NAME text, /report NAME [category], /who, /help, /leave, /quit.',
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
    show(`* chatting in ${room}; ${HELP}`);
    const act = async (input: string) => {
      const [first, second, ...rest] = input.trim().split(/\s+/);
      const command = commandOf(input);
      if (command === 'unknown') return show(`* no command ${safe(first)}; ${HELP}`);
      if (command === 'say') {
        const text = input.trim().startsWith('//') ? input.trim().slice(1) : input;
        if (input.trim()) missed(await askVat(dir, 'say', { room, text }));
        return rl.prompt();
      }
      if (first === '/help') return show(`* ${HELP}`);
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
        return show(`* reported ${safe(second)}: ${receiptLine(receipt)}`);
      }
      return rl.prompt();
    };
    rl.on('line', input => {
      act(input).catch((error: Error) => show(`* ${safe(splitCode(error.message).sentence)}`));
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
