// The README's first command: two vats in two processes. Alice exports a
// counter and calls Bob's echo object through a sturdy ref; Bob goes away and
// Alice's reference breaks cleanly; Bob comes back and the same sturdy ref
// works again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { E, Far, startVat, type Echo } from '../../index.js';
import { spawnStoaVat } from '../cli/stoa-process.js';

export const runTwoVatDemo = async (
  say: (line: string) => void = console.log,
): Promise<string[]> => {
  const transcript: string[] = [];
  const log = (line: string) => {
    transcript.push(line);
    say(line);
  };
  const root = mkdtempSync(join(tmpdir(), 'stoa-demo-'));
  const alice = await startVat({ dataDir: join(root, 'alice') });
  let bob = await spawnStoaVat({ dataDir: join(root, 'bob'), echo: true });
  try {
    log(`alice: vat ${alice.id.slice(0, 8)} listening on ${alice.address} (this process)`);
    log(
      `bob:   vat ${bob.vatId.slice(0, 8)} listening on ${bob.address} (process ${bob.child.pid})`,
    );

    let count = 0;
    const counter = Far('Counter', { incr: () => (count += 1) });
    log(
      `alice: exported a counter as ${alice.export(counter, { name: 'counter' }).replace(/\/s\/.*/, '/s/…')}`,
    );

    const echo = await alice.fetch<Echo>(bob.echo!);
    log(
      "alice: fetched bob's echo by its sturdy ref (TLS 1.3, bob's key checked against his vat id)",
    );
    log(
      `alice: E(echo).echo({ greeting: 'hello' }) -> ${JSON.stringify(await E(echo).echo({ greeting: 'hello' }))}`,
    );
    const back = await E(echo).echo(counter);
    log(
      `alice: sent her counter to bob and got back ${back === counter ? 'the very same object' : 'a different object'}`,
    );
    // Types are not validation: a ref fetched with the wrong type fails remotely.
    const mistyped = await alice.fetch<{ shout(): string }>(bob.echo!);
    await E(mistyped)
      .shout()
      .catch((error: Error) =>
        log(`alice: a call bob's object lacks fails with bob's error: ${error.message}`),
      );

    const broken = new Promise<string>(resolve =>
      alice.onBroken(echo, reason => resolve(reason.message)),
    );
    await bob.stop();
    log(`bob:   stopped; alice's reference broke: ${await broken}`);
    await E(echo)
      .echo('anyone there?')
      .catch((error: Error) =>
        log(`alice: calls on the old reference fail too: ${error.message.slice(0, 60)}…`),
      );

    bob = await spawnStoaVat({ dataDir: join(root, 'bob'), listen: bob.address, echo: true });
    const again = await alice.fetch<Echo>(bob.echo!);
    log(
      `bob:   restarted with the same identity; the same sturdy ref works again: ${JSON.stringify(await E(again).echo('welcome back'))}`,
    );
    return transcript;
  } finally {
    await bob.stop();
    await alice.close();
    rmSync(root, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runTwoVatDemo();
}
