// A small internet on this machine, for tests and benches of NAT and relays
// (test/reach, bench/reach.ts): network namespaces they make and remove (as root, with iproute2 and
// nftables). Nothing is connected to the machine's own namespace, so no
// packet leaves it.
//
//   home A 10.1.0.2 ── router A (NAT) 172.31.1.2 ──┐
//                                                  public 172.31.1.1, 172.31.2.1
//   home B 10.2.0.2 ── router B (NAT) 172.31.2.2 ──┘   (routes between the routers)
//
// The routers masquerade what their homes send out (plain, or with
// `fully-random` ports) and, as home routers do, let nothing in from outside
// that is not an answer (dropped, not refused): the public side has no route
// to 10.x at all.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type NatKind = 'masquerade' | 'fully-random';

/** Who removes what was made: an ava test context, or a bench's own list. */
export interface Teardowns {
  teardown(fn: () => unknown): void;
}

export interface Net {
  /** Namespace names. */
  pub: string;
  homeA: string;
  homeB: string;
  routerA: string;
  routerB: string;
  /** The public side's address, where relays and hosts listen. */
  publicAddress: string;
  homeAddress: { a: string; b: string };
  /** Cuts a home off (its router forwards nothing, either way), or lets it through again. */
  cutOff(home: 'a' | 'b', cut: boolean): void;
}

/**
 * The system's own tool: under npm, PATH starts with node_modules/.bin, where
 * `nft` is @vercel/nft (a file tracer), which takes a ruleset for file names.
 */
const systemTool = (tool: string) =>
  ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].map(dir => `${dir}/${tool}`).find(existsSync);

const NFT = systemTool('nft') ?? 'nft';

const run = (command: 'ip', args: string[], input?: string) =>
  execFileSync(systemTool(command) ?? command, args, {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();

/** Why namespaces cannot be made here, or undefined when they can. */
export const namespacesUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'the tests across network namespaces need root';
  for (const tool of ['ip', 'nft'])
    if (!systemTool(tool)) return `${tool} is missing (Debian: apt-get install iproute2 nftables)`;
  const probe = `stoa-probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  return undefined;
};

/** Namespaces left by a test run whose process is gone. */
const removeStale = () => {
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const match = /^(stoa-(\d+)-[\w-]+)/.exec(line);
    if (!match) continue;
    const pid = Number(match[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) run('ip', ['netns', 'del', match[1]!]);
  }
};

let made = 0;

export const makeNet = (t: Teardowns, nat: NatKind = 'masquerade'): Net => {
  removeStale();
  made += 1;
  const prefix = `stoa-${process.pid}-${made}`;
  const pub = `${prefix}-pub`;
  const [routerA, routerB, homeA, homeB] = ['ra', 'rb', 'ha', 'hb'].map(n => `${prefix}-${n}`) as [
    string,
    string,
    string,
    string,
  ];
  const all = [pub, routerA, routerB, homeA, homeB];
  t.teardown(() => {
    for (const ns of all) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        // not made, or gone already
      }
    }
  });
  const ip = (ns: string, ...args: string[]) => run('ip', ['-n', ns, ...args]);
  for (const ns of all) {
    run('ip', ['netns', 'add', ns]);
    ip(ns, 'link', 'set', 'lo', 'up');
  }
  const link = (a: string, nameA: string, b: string, nameB: string) => {
    run('ip', [
      'link',
      'add',
      nameA,
      'netns',
      a,
      'type',
      'veth',
      'peer',
      'name',
      nameB,
      'netns',
      b,
    ]);
    ip(a, 'link', 'set', nameA, 'up');
    ip(b, 'link', 'set', nameB, 'up');
  };
  const side = (router: string, home: string, n: 1 | 2) => {
    link(pub, `to-${n}`, router, 'wan');
    link(router, 'lan', home, 'eth0');
    ip(pub, 'addr', 'add', `172.31.${n}.1/24`, 'dev', `to-${n}`);
    ip(router, 'addr', 'add', `172.31.${n}.2/24`, 'dev', 'wan');
    ip(router, 'addr', 'add', `10.${n}.0.1/24`, 'dev', 'lan');
    ip(router, 'route', 'add', 'default', 'via', `172.31.${n}.1`);
    ip(home, 'addr', 'add', `10.${n}.0.2/24`, 'dev', 'eth0');
    ip(home, 'route', 'add', 'default', 'via', `10.${n}.0.1`);
    run('ip', ['netns', 'exec', router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    run(
      'ip',
      ['netns', 'exec', router, NFT, '-f', '-'],
      `table ip nat {
  chain outbound {
    type nat hook postrouting priority srcnat;
    oifname "wan" masquerade${nat === 'fully-random' ? ' fully-random' : ''}
  }
}
table ip filter {
  chain cut {
    type filter hook forward priority -10;
  }
  chain through {
    type filter hook forward priority 0; policy drop;
    iifname "lan" accept
    ct state established,related accept
  }
  chain toRouter {
    type filter hook input priority 0; policy drop;
    iifname != "wan" accept
    ct state established,related accept
  }
}
`,
    );
  };
  side(routerA, homeA, 1);
  side(routerB, homeB, 2);
  run('ip', ['netns', 'exec', pub, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);

  return {
    pub,
    homeA,
    homeB,
    routerA,
    routerB,
    publicAddress: '172.31.1.1',
    homeAddress: { a: '10.1.0.2', b: '10.2.0.2' },
    cutOff(home, cut) {
      const router = home === 'a' ? routerA : routerB;
      run(
        'ip',
        ['netns', 'exec', router, NFT, '-f', '-'],
        cut ? 'add rule ip filter cut drop\n' : 'flush chain ip filter cut\n',
      );
    },
  };
};

const WIRE_PROXY = fileURLToPath(new URL('./wire-proxy.ts', import.meta.url));

/**
 * A wire proxy (harness/wire-proxy.ts) in namespace `ns`, in front of `to`,
 * holding each chunk `delayMs` and recording what it forwards to `record`;
 * stopped at teardown.
 */
export const wireProxy = async (
  t: Teardowns,
  ns: string,
  opts: { listen: string; to: string; record?: string; delayMs?: number },
): Promise<{ address: string; recorded(): Buffer }> => {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      process.execPath,
      ...process.execArgv,
      WIRE_PROXY,
      '--listen',
      opts.listen,
      '--to',
      opts.to,
      ...(opts.record ? ['--record', opts.record] : []),
      '--delay-ms',
      String(opts.delayMs ?? 0),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.teardown(() => void child.kill('SIGKILL'));
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { address } = JSON.parse(line) as { address: string };
  return {
    address,
    recorded: () => (opts.record ? readFileSync(opts.record) : Buffer.alloc(0)),
  };
};
