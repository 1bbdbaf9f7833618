// A session's frames of one turn leave in one write (captp-transport/turn-writes.ts).
import test from '@endo/ses-ava/prepare-endo.js';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { makeTurnWrites } from '../../captp-transport/turn-writes.js';

/** A connected pair on 127.0.0.1, the writing side's low-level writes counted. */
const pair = async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const writer = connect(port, '127.0.0.1');
  await once(writer, 'connect');
  const [reader] = (await accepted) as [Socket];
  const writes: number[] = []; // chunks per low-level write
  const internals = writer as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], cb: unknown) => void;
  };
  const write = internals._write.bind(writer);
  const writev = internals._writev.bind(writer);
  internals._write = (...args) => {
    writes.push(1);
    write(...args);
  };
  internals._writev = (chunks, cb) => {
    writes.push(chunks.length);
    writev(chunks, cb);
  };
  let received = '';
  reader.on('data', chunk => {
    received += chunk.toString('utf8');
  });
  /** Resolves once the reader has read exactly `text`. */
  const receivedAll = (text: string) =>
    new Promise<string>(resolve => {
      const check = () => {
        if (received.length >= text.length) resolve(received);
      };
      check();
      reader.on('data', check);
    });
  const close = () => {
    writer.destroy();
    reader.destroy();
    server.close();
  };
  return { writer, writes, receivedAll, close };
};

const turnEnded = () => new Promise<void>(resolve => setImmediate(resolve));

test('the writes of one turn, its promise jobs included, leave in one write', async t => {
  const { writer, writes, receivedAll, close } = await pair();
  t.teardown(close);
  const beforeWrite = makeTurnWrites(writer);
  const send = (text: string) => {
    beforeWrite();
    writer.write(text);
  };
  send('a');
  send('b');
  await Promise.resolve();
  send('c'); // from a promise job of the same turn
  await turnEnded();
  t.deepEqual(writes, [3], 'one write of three chunks');
  send('d');
  await turnEnded();
  t.deepEqual(writes, [3, 1], 'a later turn writes again: nothing waits');
  t.is(await receivedAll('abcd'), 'abcd', 'all of it, in order');
});
