// `stoa chat ROOM`: chat in the terminal through the running vat. Lines
// scroll above an input line; `/whisper NAME text`, `/report NAME [category]`,
// `/who`, `/leave`, `/quit` (or Ctrl-D).
import { createInterface } from 'node:readline';
import { askVat, watchVat } from '../daemon/console-client.js';
import { dataDirOf, parseOptions, type Command } from './command.js';

type Event =
  | { type: 'message'; name: string; text: string; whisper?: boolean }
  | { type: 'roster'; members: string[] }
  | { type: 'host'; reachable: boolean }
  | { type: 'removed'; reason: string }
  | { type: 'filtered'; name: string; rule: string };

const describe = (event: Event): string => {
  switch (event.type) {
    case 'message':
      return `${event.name}${event.whisper ? ' (whisper)' : ''}: ${event.text}`;
    case 'roster':
      return `* in the room: ${event.members.join(', ')}`;
    case 'host':
      return event.reachable ? '* the host is back' : '* the host is unreachable: chat goes on; joins and kicks wait';
    case 'removed':
      return `* you were removed: ${event.reason}`;
    default:
      return `* a line by ${event.name} was hidden (rule ${event.rule})`;
  }
};

export const chatCommand: Command = {
  usage: 'ROOM',
  summary: 'Chats in ROOM through the running vat: type to say; /whisper NAME text, /report NAME [category], /who, /leave, /quit.',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { data: { type: 'string' } }, true);
    const [room] = positionals;
    if (!room) throw Error('[usage] needs a room (see stoa rooms)');
    const dir = dataDirOf(values.data);
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: `${room}> ` });
    const show = (line: string) => {
      process.stdout.write(`\r\x1b[K${line}\n`);
      rl.prompt(true);
    };
    let members: string[] = [];
    const watch = await watchVat(dir, 'room.watch', { room }, event => {
      const e = event as Event;
      if (e.type === 'roster') members = e.members;
      show(describe(e));
    });
    show(`* chatting in ${room}; /whisper NAME text, /report NAME [category], /who, /leave, /quit`);
    const act = async (input: string) => {
      const [first, second, ...rest] = input.trim().split(/\s+/);
      if (first === '/quit') return rl.close();
      if (first === '/who') return show(`* in the room: ${members.join(', ')}`);
      if (first === '/leave') {
        await askVat(dir, 'leave', { room });
        return rl.close();
      }
      if (first === '/whisper') {
        if (!second || rest.length === 0) return show('* usage: /whisper NAME text');
        await askVat(dir, 'whisper', { room, to: second, text: rest.join(' ') });
        return show(`(to ${second}): ${rest.join(' ')}`);
      }
      if (first === '/report') {
        if (!second) return show('* usage: /report NAME [category]');
        const result = (await askVat(dir, 'report', { room, name: second, category: rest.join(' ') || 'other' })) as { verdict?: string; receipt?: { index: number } };
        return show(`* reported ${second}: ${result?.verdict ?? 'sent'}${result?.receipt ? `, receipt for log entry ${result.receipt.index}` : ''}`);
      }
      if (input.trim()) await askVat(dir, 'say', { room, text: input });
      return rl.prompt();
    };
    rl.on('line', input => {
      act(input).catch((error: Error) => show(`* ${error.message}`));
    });
    rl.prompt();
    const why = await Promise.race([watch.ended, new Promise<undefined>(resolve => rl.once('close', () => resolve(undefined)))]);
    watch.close();
    rl.close();
    if (why) throw Error(why);
    return 0;
  },
};
