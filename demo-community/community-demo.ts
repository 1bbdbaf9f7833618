// The README's main job: a small community on this machine. An operator vat
// hosts a room and the moderation service; Alice, Bob and Mallory each run a
// vat in their own process. Mallory breaks the room's rules, Bob's vat reports
// her by itself, an auditor kicks her, and every step is printed. The vats
// keep running until Ctrl-C; `--exit` plays the script and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createModeratedRoom, E, startModeration, startVat } from '../index.js';
import type { AuditorFacet } from '../moderation/index.js';
import { actOnCase, makeAuditDesk } from '../moderation/audit-desk.js';
import { spawnVat, type VatProcess } from '../harness/spawn-vat.js';
import { serveWeb, type WebServer } from './web/web-server.js';
import { hostPuzzle } from './puzzle/puzzle-player.js';

interface Participant {
  join(invite: string): { self: string; web: string };
  joinPuzzle(invite: string): string;
  say(text: string): number;
  whisper(to: string, text: string): number;
  waitFor(prefix: string): string;
  roster(): string[];
  bytesSent(): Record<string, number>;
}

const PARTICIPANT = fileURLToPath(
  new URL(`./participant-vat${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export interface DemoOptions {
  /** Play the script and stop (default); false keeps the community running with its web pages until `until`. */
  exit?: boolean;
  /** Where each step is printed. */
  say?: (line: string) => void;
  /** When a running community stops: default SIGINT or SIGTERM. */
  until?: Promise<unknown>;
}

export const runCommunityDemo = async ({
  exit = true,
  say = console.log,
  until,
}: DemoOptions = {}) => {
  const transcript: string[] = [];
  const step = (line: string) => {
    transcript.push(line);
    say(line);
  };
  const root = mkdtempSync(join(tmpdir(), 'stoa-community-'));
  // The operator's vat also relays, for participants whose vats others cannot dial (docs/protocol.md §2.8).
  // Chat could reach members from the host only as calls it makes to them: those are counted (the
  // answers to members' own questions, such as a report facet's long poll, are not chat).
  const callsOut = new Map<string, number>();
  const operator = await startVat({
    dataDir: join(root, 'operator'),
    relay: true,
    onFrame: ({ direction, type, peer, bytes }) => {
      if (direction === 'out' && type === 'CTP_CALL')
        callsOut.set(peer, (callsOut.get(peer) ?? 0) + bytes);
    },
  });
  // The script drives the participants from a vat of its own, so the host's byte count is the host's alone.
  const director = await startVat({ dataDir: join(root, 'director') });
  const procs: VatProcess[] = [];
  try {
    const mod = await startModeration(operator);
    const room = await createModeratedRoom(operator, {
      name: 'town-square',
      moderation: mod.reportInbox,
    });
    await room.admin.setRuleset({
      rules: [
        {
          id: 'insults',
          action: 'auto-report',
          category: 'harassment',
          keywords: ['idiot', 'loser'],
        },
      ],
    });
    step(
      `operator  vat ${operator.id.slice(0, 8)} on ${operator.address}: hosts "town-square" (roster only) and the moderation service, and relays for vats behind NAT`,
    );

    const people: Record<string, { proc: VatProcess; ref: Participant; id: string; web: string }> =
      {};
    for (const name of ['alice', 'bob', 'mallory']) {
      const proc = await spawnVat({
        dataDir: join(root, name),
        program: PARTICIPANT,
        args: ['--name', name, '--via-relay', operator.address],
      });
      procs.push(proc);
      const ref = (await director.fetch<Participant>(
        String(proc.ready.control),
      )) as unknown as Participant;
      const { web } = await E(ref).join(room.invite);
      people[name] = { proc, ref, id: proc.vatId, web };
      step(
        `${name.padEnd(9)} vat ${proc.vatId.slice(0, 8)} (process ${proc.child.pid}) joined; roster: ${room
          .roster()
          .map(m => m.name)
          .join(', ')}`,
      );
    }
    const { alice, bob, mallory } = people as Record<
      'alice' | 'bob' | 'mallory',
      (typeof people)[string]
    >;
    const hostChatBytes = () =>
      [alice.id, bob.id, mallory.id].reduce((n, peer) => n + (callsOut.get(peer) ?? 0), 0);
    const before = hostChatBytes();

    const lines: Array<[typeof alice, string, string]> = [
      [alice, 'alice', 'hi everyone, welcome to the square'],
      [bob, 'bob', 'hey alice!'],
      [mallory, 'mallory', 'this place is boring'],
    ];
    for (const [who, name, text] of lines) {
      const to = await E(who.ref).say(text);
      step(`${name} says "${text}": signed, sent straight to ${to} peers`);
    }
    await E(alice.ref).waitFor('heard mallory: this place is boring');
    const whispered = await E(alice.ref).whisper(bob.id, 'want to start a book club?');
    step(`alice whispers to bob only (${whispered} recipient): "want to start a book club?"`);
    await E(bob.ref).waitFor('heard alice: want to start a book club?');
    step(`bytes of calls the host made to members while they chatted: ${hostChatBytes() - before}`);

    await E(mallory.ref).say('bob, you are an idiot');
    step('mallory says "bob, you are an idiot"');
    step(`bob's vat: ${await E(bob.ref).waitFor('filtered mallory')}`);
    step(`bob's vat: ${await E(bob.ref).waitFor('reported:')}`);

    const auditorVat = await startVat({ dataDir: join(root, 'auditor-ana') });
    let dashboard: WebServer | undefined;
    let picnic: Awaited<ReturnType<typeof hostPuzzle>> | undefined;
    try {
      const ana = await auditorVat.fetch<AuditorFacet>(mod.grant('act', { label: 'ana' }));
      const [top] = await E(ana).list();
      step(
        `auditor ana (an "act" capability, no password) sees case ${top!.caseId}: ${top!.reports} report(s) against mallory, priority ${top!.priority}`,
      );
      const receipt = await actOnCase(ana, auditorVat, {
        caseId: top!.caseId,
        action: 'kick',
        target: mallory.id,
        reason: 'insulting a member',
      });
      step(
        `ana's kick, signed by her vat, is log entry ${receipt.index}; the room carries it out only with that receipt`,
      );
      step(`mallory's vat: ${await E(mallory.ref).waitFor('removed:')}`);
      await E(alice.ref).waitFor('heard bob');
      step(
        `roster now: ${room
          .roster()
          .map(m => m.name)
          .join(', ')}; every presence drops mallory's envelopes`,
      );
      if (!exit) {
        // A shared world beside the chat: the operator's vat arbitrates a puzzle among the members.
        picnic = await hostPuzzle(operator, { name: 'picnic', cols: 4, rows: 4, seed: 2026 });
        const puzzlePages: Array<[string, string]> = [];
        for (const [name, p] of Object.entries(people))
          if (name !== 'mallory')
            puzzlePages.push([name, await E(p.ref).joinPuzzle(picnic.invite)]);
        dashboard = await serveWeb({
          page: 'dashboard',
          title: 'Stoa auditor ana',
          handlers: makeAuditDesk(auditorVat, ana, join(root, 'auditor-ana', 'checkpoint.json')),
        });
        step('');
        step(
          "web pages on this machine (127.0.0.1; each URL holds this run's token: keep them to yourself):",
        );
        for (const [name, p] of Object.entries(people)) step(`  ${name.padEnd(9)} ${p.web}`);
        step(`  auditor   ${dashboard.url}`);
        step(
          'the puzzle "picnic" (hosted and arbitrated by the operator\'s vat; drag the pieces):',
        );
        for (const [name, url] of puzzlePages) step(`  ${name.padEnd(9)} ${url}`);
        step('the community keeps running; Ctrl-C to stop');
        await (until ??
          new Promise<void>(resolve => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          }));
      }
    } finally {
      await dashboard?.close();
      picnic?.close();
      await auditorVat.close();
    }
    await mod.close();
    return transcript;
  } finally {
    await Promise.all(procs.map(p => p.stop()));
    await Promise.all([director.close(), operator.close()]);
    rmSync(root, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runCommunityDemo({ exit: process.argv.includes('--exit') });
}
