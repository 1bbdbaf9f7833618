// demo-community/web/web-server.ts: a vat's web page, on 127.0.0.1 only,
// behind a token (given, so that a bookmark outlives a restart, or random for
// this start). Everything (the page, its script,
// its WebSocket) lives under /TOKEN/; any other path is a bare 404. The page
// talks to its vat over the WebSocket with the console's commands (the same
// handlers `stoa` uses over console.sock):
//   → {"id":1,"cmd":"rooms","args":{}}
//   ← {"id":1,"event":…} (watching commands) … {"id":1,"ok":true,"result":…}
// A watching command ends when the page goes away.
// Requests must name this server as their Host (a page on another site that
// rebinds its DNS name to 127.0.0.1 cannot talk to it) and the WebSocket's
// Origin must be this server.
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { answer, readRequest, type Handler } from '../daemon/console-server.js';
import { makeWebToken } from './web-address.js';

export type WebPage = 'participant' | 'dashboard' | 'puzzle';

export interface WebServerOptions {
  page: WebPage;
  /** More pages under the same token and socket, each at /TOKEN/<page> (the participant's puzzle page). */
  pages?: WebPage[];
  /** What the page may ask its vat. */
  handlers: Record<string, Handler>;
  /** Shown as the page's title. */
  title: string;
  /** Default 0: any free port. */
  port?: number;
  /** The token in the page's path; default: a random one for this start. */
  token?: string;
}

export interface WebServer {
  /** The page's address, token included: give it only to the vat's owner. */
  readonly url: string;
  readonly port: number;
  /** Serves under `token` from now on: the old address is a 404 and its open pages are cut off. */
  setToken(token: string): void;
  close(): Promise<void>;
}

/** The package's root: the built page lives in dist/ui there, whether this module runs from source or from dist. */
const packageRoot = () => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw Error('[no-ui] cannot find the stoa package around the web server');
    dir = up;
  }
  return dir;
};

const uiFile = (name: string) => {
  const file = join(packageRoot(), 'dist', 'ui', name);
  if (!existsSync(file))
    throw Error(`[no-ui] the web page is not built (${name} missing); run: npm run build`);
  return readFileSync(file);
};

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

const pageHtml = (page: WebPage, title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="style.css"></head>
<body data-page="${page}"><div id="app"><p class="muted">Connecting to your vat…</p></div><script type="module" src="${page}.js"></script></body></html>
`;

/** Serves `page` for one vat on 127.0.0.1; the URL it returns carries the token. */
export const serveWeb = async ({
  page,
  pages = [],
  handlers,
  title,
  port = 0,
  token = makeWebToken(),
}: WebServerOptions): Promise<WebServer> => {
  let prefix = `/${token}/`;
  const assets: Record<string, { type: string; body: Buffer }> = {
    '': { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml(page, title)) },
    [`${page}.js`]: { type: 'text/javascript; charset=utf-8', body: uiFile(`${page}.js`) },
    'style.css': { type: 'text/css; charset=utf-8', body: uiFile('style.css') },
  };
  for (const more of pages) {
    assets[more] = { type: 'text/html; charset=utf-8', body: Buffer.from(pageHtml(more, title)) };
    assets[`${more}.js`] = { type: 'text/javascript; charset=utf-8', body: uiFile(`${more}.js`) };
  }
  let origin = '';

  /** The asset name under the token, or undefined when the path or the Host is not ours. */
  const route = (request: IncomingMessage): string | undefined => {
    if (request.headers.host !== origin.slice('http://'.length)) return undefined;
    const path = (request.url ?? '').split('?')[0]!;
    if (path.length < prefix.length || !path.startsWith('/')) return undefined;
    const given = Buffer.from(path.slice(0, prefix.length));
    if (given.length !== prefix.length || !timingSafeEqual(given, Buffer.from(prefix)))
      return undefined;
    return path.slice(prefix.length);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const name = route(request);
    // Own names only: `constructor` or `toString` under the token is a 404, not Object.prototype's.
    const asset =
      name !== undefined && request.method === 'GET' && Object.hasOwn(assets, name)
        ? assets[name]
        : undefined;
    if (!asset) {
      response
        .writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS })
        .end('not found\n');
      return;
    }
    response
      .writeHead(200, {
        'content-type': asset.type,
        'content-security-policy': `default-src 'self'; connect-src ${origin.replace('http:', 'ws:')}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        ...SECURITY_HEADERS,
      })
      .end(asset.body);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (request, socket, head) => {
    if (route(request) !== 'ws' || request.headers.origin !== origin) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, ws => talk(ws));
  });

  const talk = (ws: WebSocket) => {
    const closed = new Promise<void>(resolve => ws.once('close', () => resolve()));
    const send = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    ws.on('error', () => {});
    ws.on('message', async data => {
      const request = readRequest(String(data));
      if ('error' in request) return send({ id: null, ok: false, error: request.error });
      const id = typeof request.id === 'number' ? request.id : null;
      return send({
        id,
        ...(await answer(
          handlers,
          request.cmd,
          request.args,
          event => send({ id, event }),
          closed,
        )),
      });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw Error('[web] the page server has no port');
  origin = `http://127.0.0.1:${address.port}`;
  return harden({
    get url() {
      return `${origin}${prefix}`;
    },
    port: address.port,
    setToken(next: string) {
      prefix = `/${next}/`;
      for (const ws of sockets.clients) ws.terminate();
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
};
harden(serveWeb);
