// The README's main job: a small community on this machine. An operator vat
// hosts a room and the moderation service; Alice, Bob and Mallory each run a
// vat in their own process. Mallory breaks the room's rules, Bob's vat reports
// her by itself, an auditor kicks her, and every step is printed. The vats
// keep running until Ctrl-C; `--exit` plays the script and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createModeratedRoom, E, signAction, startModeration, startVat, type Receipt } from '../index.js';
import { spawnVat, type VatProcess } from './spawn-vat.js';

interface Participant {
  join(invite: string): { self: string };
  say(text: string): number;
  whisper(to: string, text: string): number;
  waitFor(prefix: string): string;
  roster(): string[];
  bytesSent(): Record<string, number>;
}
interface Auditor {
  list(): Array<{ caseId: string; room: string; accused: string[]; priority: number; reports: number }>;
  act(signed: unknown): Receipt;
}

const PARTICIPANT = fileURLToPath(new URL(`./participant-vat${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export const runCommunityDemo = async ({ exit = true, say = console.log }: { exit?: boolean; say?: (line: string) => void } = {}) => {
  const transcript: string[] = [];
  const step = (line: string) => {
    transcript.push(line);
    say(line);
  };
  const root = mkdtempSync(join(tmpdir(), 'stoa-community-'));
  const operator = await startVat({ dataDir: join(root, 'operator') });
  // The script drives the participants from a vat of its own, so the host's byte count is the host's alone.
  const director = await startVat({ dataDir: join(root, 'director') });
  const procs: VatProcess[] = [];
  try {
    const mod = await startModeration(operator);
    const room = await createModeratedRoom(operator, { name: 'town-square', moderation: mod.reportInbox });
    await room.admin.setRuleset({ rules: [{ id: 'insults', action: 'auto-report', category: 'harassment', keywords: ['idiot', 'loser'] }] });
    step(`operator  vat ${operator.id.slice(0, 8)} on ${operator.address}: hosts "town-square" (roster only) and the moderation service`);

    const people: Record<string, { proc: VatProcess; ref: Participant; id: string }> = {};
    for (const name of ['alice', 'bob', 'mallory']) {
      const proc = await spawnVat({ dataDir: join(root, name), program: PARTICIPANT, args: ['--name', name] });
      procs.push(proc);
      const ref = (await director.fetch<Participant>(String(proc.ready.control))) as unknown as Participant;
      await E(ref).join(room.invite);
      people[name] = { proc, ref, id: proc.vatId };
      step(`${name.padEnd(9)} vat ${proc.vatId.slice(0, 8)} (process ${proc.child.pid}) joined; roster: ${room.roster().map(m => m.name).join(', ')}`);
    }
    const { alice, bob, mallory } = people as Record<'alice' | 'bob' | 'mallory', (typeof people)[string]>;
    const hostChatBytes = () => {
      const sent = operator.stats().peers.filter(p => [alice.id, bob.id, mallory.id].includes(p.peer));
      return sent.reduce((n, p) => n + p.bytesSent, 0);
    };
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
    step(`bytes the host sent to members while they chatted: ${hostChatBytes() - before}`);

    await E(mallory.ref).say('bob, you are an idiot');
    step('mallory says "bob, you are an idiot"');
    step(`bob's vat: ${await E(bob.ref).waitFor('filtered mallory')}`);
    step(`bob's vat: ${await E(bob.ref).waitFor('reported:')}`);

    const auditorVat = await startVat({ dataDir: join(root, 'auditor-ana') });
    try {
      const ana = (await auditorVat.fetch<Auditor>(mod.grant('act', { label: 'ana' }))) as unknown as Auditor;
      const [top] = await E(ana).list();
      step(`auditor ana (an "act" capability, no password) sees case ${top!.caseId}: ${top!.reports} report(s) against mallory, priority ${top!.priority}`);
      const receipt = await E(ana).act(
        signAction({ caseId: top!.caseId, room: top!.room, action: 'kick', target: mallory.id, durationMs: 0, reason: 'insulting a member', auditor: auditorVat.id }, m => auditorVat.sign(m)),
      );
      step(`ana's kick, signed by her vat, is log entry ${receipt.index}; the room carries it out only with that receipt`);
      step(`mallory's vat: ${await E(mallory.ref).waitFor('removed:')}`);
      await E(alice.ref).waitFor('heard bob');
      step(`roster now: ${room.roster().map(m => m.name).join(', ')}; every presence drops mallory's envelopes`);
    } finally {
      await auditorVat.close();
    }
    if (!exit) {
      step('the community keeps running (vats listed above); Ctrl-C to stop');
      await new Promise<void>(resolve => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
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
