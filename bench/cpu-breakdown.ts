// Where a process's CPU went, from a V8 .cpuprofile (node --cpu-prof): the
// samples between two moments (process.hrtime µs, the profile's clock),
// each charged to the category of its innermost frame that has a source
// (a native leaf such as a TLS write or a signature check is charged to its
// JavaScript caller). Used by bench:fanout for its CPU breakdown.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Categories, first match wins; a frame matches when its url contains one of the parts. */
const CATEGORIES: Array<[name: string, parts: string[]]> = [
  ['TLS and ws', ['node:tls', 'node:_tls', 'node:net', 'node:stream', 'internal/stream', '/ws/']],
  [
    'verification',
    ['node:crypto', 'internal/crypto', '/canonicalize/', 'domain-signature', 'presence/envelope'],
  ],
  ['storage', ['better-sqlite3', 'window-store', 'vat/store']],
  ['guards', ['@endo/patterns', '@endo/exo']],
  ['CapTP and marshal', ['@endo/captp', '@endo/marshal', '@endo/pass-style', 'captp-transport/']],
  ['promises (eventual-send)', ['@endo/eventual-send', '@endo/promise-kit']],
  ['harden (ses)', ['/ses/']],
  ['presence and unum', ['/presence/', '/unum/', '/moderation/', '/vat/']],
  ['event loop (timers, events)', ['node:internal/', 'node:events', 'node:timers']],
];
export const CATEGORY_NAMES = [
  ...CATEGORIES.map(([name]) => name),
  'garbage collection',
  'native, unattributed',
  'other',
] as const;

const categoryOfUrl = (url: string): string | undefined =>
  CATEGORIES.find(([, parts]) => parts.some(part => url.includes(part)))?.[0];

/** Milliseconds of CPU per category between `fromUs` and `toUs`. */
export const cpuBreakdown = (file: string, fromUs: number, toUs: number): Map<string, number> => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, string>();
  const categorize = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    let category: string;
    if (functionName === '(garbage collector)') category = 'garbage collection';
    else if (functionName === '(idle)') category = 'idle';
    else if (functionName === '(program)') category = 'native, unattributed';
    else if (url) {
      category = categoryOfUrl(url) ?? 'other';
      if (category === 'other' && process.env.DEBUG_OTHER)
        console.error('other', url, functionName);
    } else if (parent.has(id)) category = categorize(parent.get(id)!);
    else category = 'other';
    categoryOf.set(id, category);
    return category;
  };
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    const category = categorize(id);
    if (category === 'idle') return;
    totals.set(category, (totals.get(category) ?? 0) + delta / 1000);
  });
  return totals;
};
