// demo-community/cli/commands.ts: the table of `stoa` commands.
import { callCommand } from './call.js';
import { initCommand } from './init.js';
import type { Command } from './command.js';
import { vatReachCommand, vatStartCommand, vatStopCommand } from './vat-start.js';
import { moderationStartCommand } from './moderation-start.js';
import { auditCommand } from './audit.js';
import { roomCommands } from './rooms.js';
import { chatCommand } from './chat.js';
import { webCommand } from './web.js';
import { roomRulesCommand } from './room-rules.js';
import { puzzleCommands } from './puzzle.js';

export const commands: Record<string, Command> = {
  init: initCommand,
  'vat start': vatStartCommand,
  'vat stop': vatStopCommand,
  'vat reach': vatReachCommand,
  call: callCommand,
  'moderation start': moderationStartCommand,
  audit: auditCommand,
  ...roomCommands,
  'room rules': roomRulesCommand,
  ...puzzleCommands,
  web: webCommand,
  chat: chatCommand,
};

export const usage = (): string =>
  [
    'usage: stoa <command> [options]   (stoa <command> --help for more)',
    '',
    ...Object.entries(commands).map(([name, c]) => `  stoa ${name} ${c.usage}\n      ${c.summary}`),
  ].join('\n');
