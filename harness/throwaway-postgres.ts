// harness/throwaway-postgres.ts: a throwaway PostgreSQL cluster for tests: initdb in a temporary folder,
// listening on 127.0.0.1 on a free port, stopped and deleted afterwards. Uses
// the installed server binaries (Debian: the postgresql package; .ci/run
// installs it). PostgreSQL will not run as root, so as root it runs as the
// `postgres` user.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binDir = (): string => {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath.replace(/\/initdb$/, '');
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions
    .map(v => join(root, v, 'bin'))
    .find(dir => existsSync(join(dir, 'initdb')));
  if (!found)
    throw Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found; install them (Debian: apt-get install postgresql)',
    );
  return found;
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
}

export const startThrowawayPostgres = async (): Promise<ThrowawayPostgres> => {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'stoa-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
    };
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    execFileSync(cmd as string, argv as string[], { stdio: 'pipe' });
  };
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  /** Starts the cluster on a free port; another process may take that port first, so a failed start is tried again on a new one. */
  const start = async (attempt = 1): Promise<number> => {
    const port = await freePort();
    try {
      run('pg_ctl', [
        '-D',
        data,
        '-l',
        log,
        '-w',
        '-o',
        `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=on`,
        'start',
      ]);
      return port;
    } catch (error) {
      if (attempt < 3) return start(attempt + 1);
      const said = existsSync(log)
        ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n')
        : '(no log)';
      throw Error(`${(error as Error).message.trim()}\nits log ends:\n${said}`);
    }
  };
  let port: number;
  try {
    run('initdb', ['-D', data, '-U', 'stoa', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    port = await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true }); // a cluster that never started leaves nothing
    throw error;
  }
  return {
    url: `postgres://stoa@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};
