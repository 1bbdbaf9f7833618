// The page server's gate: 127.0.0.1 only, nothing without this start's token,
// the Host must be the server itself (no DNS rebinding), and the WebSocket
// takes only its own page's Origin. Commands run as on the console.
import test from '@endo/ses-ava/prepare-endo.js';
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { serveWeb } from '../../demo-community/web/web-server.js';

const get = (url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(url, { headers }, response => {
        let body = '';
        response.on('data', chunk => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, body, headers: response.headers }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );

/** A GET of exactly `path`, as bytes on a socket; resolves with the whole reply. */
const rawGet = (origin: string, path: string) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port, host } = new URL(origin);
    const socket = connect(Number(port), hostname);
    let reply = '';
    socket.on('data', chunk => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });

const ask = (url: string, origin: string, message: unknown) =>
  new Promise<unknown>((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.on('open', () => ws.send(JSON.stringify(message)));
    ws.on('message', data => {
      resolve(JSON.parse(String(data)));
      ws.close();
    });
    ws.on('error', reject);
  });

test('the page is served only under its token, to its own Host, and its socket only to its own Origin', async t => {
  const web = await serveWeb({
    page: 'participant',
    title: 'a <b>vat</b>',
    handlers: { echo: async args => args.x },
  });
  t.teardown(() => web.close());
  const { origin, pathname } = new URL(web.url);
  t.regex(web.url, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/);

  const page = await get(web.url);
  t.is(page.status, 200);
  t.regex(page.body, /<title>a &#60;b&#62;vat&#60;\/b&#62;<\/title>/, 'the title is escaped');
  t.regex(String(page.headers['content-security-policy']), /default-src 'self'/);
  t.is(page.headers['referrer-policy'], 'no-referrer');
  t.is((await get(`${web.url}participant.js`)).status, 200);
  t.is((await get(`${web.url}style.css`)).status, 200);

  t.is((await get(`${origin}/`)).status, 404, 'no token, nothing');
  t.is((await get(`${origin}/${'x'.repeat(32)}/`)).status, 404, 'a wrong token, nothing');
  // Sent as raw bytes: new URL() (and so http.request) would normalise ../ away before it left.
  for (const path of [
    `${pathname}../package.json`,
    `${pathname}%2e%2e/package.json`,
    `${pathname}..%2fpackage.json`,
    `${pathname}style.css/../../package.json`,
    `${pathname}..\\package.json`,
  ]) {
    const reply = await rawGet(origin, path);
    t.regex(reply, /^HTTP\/1\.1 404 /, `${path} is no page`);
    t.false(reply.includes('"name": "stoa"'), `${path} serves no file outside the page`);
  }
  t.is(
    (await get(web.url, { host: 'evil.example:80' })).status,
    404,
    'a rebinding name is not our Host',
  );

  const socket = `${origin.replace('http', 'ws')}${pathname}ws`;
  t.deepEqual(await ask(socket, origin, { id: 7, cmd: 'echo', args: { x: 'hi' } }), {
    id: 7,
    ok: true,
    result: 'hi',
  });
  t.deepEqual(await ask(socket, origin, { id: 8, cmd: 'nope' }), {
    id: 8,
    ok: false,
    error: '[unknown-command] the vat has no command "nope"',
  });
  await t.throwsAsync(ask(socket, 'http://evil.example', { id: 9, cmd: 'echo', args: { x: 1 } }), {
    message: /404/,
  });
  await t.throwsAsync(
    ask(`${origin.replace('http', 'ws')}/${'x'.repeat(32)}/ws`, origin, { id: 9, cmd: 'echo' }),
    { message: /404/ },
  );
});

test('names Object.prototype holds are not pages, and a message that is not an object gets an answer', async t => {
  const web = await serveWeb({
    page: 'participant',
    title: 'stoa',
    handlers: { echo: async args => args.x },
  });
  t.teardown(() => web.close());
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    t.is((await get(`${web.url}${name}`)).status, 404, `${name} is no page`);
  }
  t.is((await get(web.url)).status, 200, 'and the server still serves');
  const ws = `${web.url.replace('http:', 'ws:')}ws`;
  const origin = new URL(web.url).origin;
  for (const message of [null, 7, 'x', [1]]) {
    t.deepEqual(await ask(ws, origin, message), {
      id: null,
      ok: false,
      error: '[bad-request] a request is a JSON object: {"cmd": …, "args": {…}}',
    });
  }
  // A command name that is an object with its own toString (found by npm run fuzz): refused, not run.
  t.deepEqual(await ask(ws, origin, JSON.parse('{"cmd":{"toString":"x","valueOf":1}}')), {
    id: null,
    ok: false,
    error: '[bad-request] "cmd" is the name of a command (a string)',
  });
  t.like(await ask(ws, origin, { id: 1, cmd: 'echo', args: { x: 'still here' } }), {
    id: 1,
    ok: true,
    result: 'still here',
  });
});
