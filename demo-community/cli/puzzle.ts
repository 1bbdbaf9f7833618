// `stoa puzzle create|join`, `stoa puzzles`: jigsaw puzzles through the
// running vat of DIR (stoa vat start); the puzzle page is beside its chat page.
import type { Command } from './command.js';
import { need, viaVat } from './rooms.js';

export const puzzleCommands: Record<string, Command> = {
  'puzzle create': viaVat(
    'NAME [--grid COLSxROWS]',
    'Hosts a new jigsaw puzzle (default grid 8x8, 2 to 16 each way) in the running vat and prints its invite (a secret: share it with the players).\n' +
      '      This vat is its arbiter: it decides who holds which piece. Play it on the page: stoa web, then Puzzles.',
    'puzzle.create',
    ([name], v) => ({
      name: need(name, 'a puzzle name'),
      ...(v.grid ? { grid: v.grid } : {}),
    }),
    { grid: { type: 'string' } },
  ),
  'puzzle join': viaVat(
    'INVITE --name NAME',
    'Joins a puzzle with the running vat under NAME; play it on the page (stoa web, then Puzzles).',
    'puzzle.join',
    ([invite], v) => ({
      invite: need(invite, 'an invite'),
      name: need(v.name as string, '--name NAME'),
    }),
    { name: { type: 'string' } },
  ),
  puzzles: viaVat(
    '',
    'Lists the puzzles the running vat hosts and plays, with how many pieces are in place.',
    'puzzles',
    () => ({}),
  ),
};
