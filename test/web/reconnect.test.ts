// An open page outlives its vat's restart: the page server closes and comes
// back on the same port and token (as `stoa vat start` does with DIR/web.json),
// and the page, left open in Chromium, says it is reconnecting, dials again by
// itself and asks its vat again: the lines and the roster come back.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import type { Handler } from '../../demo-community/daemon/console-server.js';
import { makeWebToken } from '../../demo-community/web/web-address.js';
import { serveWeb } from '../../demo-community/web/web-server.js';
import { launchChromium, openPage } from '../support/chromium.js';

/** A console with one joined room, whose history says which start of the vat answers. */
const fakeConsole = (start: string): Record<string, Handler> => ({
  rooms: async () => [{ room: 'lobby~x', role: 'member', as: 'alice', members: ['alice', 'bob'] }],
  history: async () => [
    {
      id: start,
      from: 'b',
      name: 'bob',
      text: `hello from the ${start} start`,
      ts: 0,
      mine: false,
    },
  ],
  receipts: async () => [],
  'room.watch': async (_args, stream, closed) => {
    stream({
      type: 'roster',
      members: [
        { name: 'alice', vatId: 'a', role: 'member', muted: false, self: true, reachable: true },
        { name: 'bob', vatId: 'b', role: 'member', muted: false, self: false, reachable: true },
      ],
    });
    await closed;
    return null;
  },
});

test('an open page reconnects by itself when its server comes back on the same address', async t => {
  const token = makeWebToken();
  const first = await serveWeb({
    page: 'participant',
    title: 'alice',
    handlers: fakeConsole('first'),
    token,
  });
  const browser = await launchChromium(t);
  const page = await openPage(t, browser, first.url);
  const line = (text: string) => page.getByTestId('line').filter({ hasText: text });
  await line('hello from the first start').waitFor();

  await first.close();
  await page.getByTestId('status').getByText('Reconnecting to your vat…').waitFor();
  const second = await serveWeb({
    page: 'participant',
    title: 'alice',
    handlers: fakeConsole('second'),
    token,
    port: first.port,
  });
  t.teardown(() => second.close());
  t.is(second.url, first.url, 'the same address');
  await line('hello from the second start').waitFor();
  t.is(await page.getByTestId('status').textContent(), '', 'the notice is gone');
  t.is(
    await line('hello from the first start').count(),
    0,
    'the room was shown again from its history',
  );
  await page.getByTestId('member').filter({ hasText: 'bob' }).waitFor();
});
