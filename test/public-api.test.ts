// The package as users meet it: `import ... from 'stoa'` from a plain Node ESM
// program, and the README's main command.
import test from '@endo/ses-ava/prepare-endo.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runTwoVatDemo } from '../demo-community/examples/two-vats.js';

test("a plain Node ESM program can import 'stoa' (the built package) and it locks down first", async t => {
  const program = fileURLToPath(new URL('./fixtures/plain-esm-program.mjs', import.meta.url));
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [program], (error, out, err) =>
      error ? reject(Error(`${error.message}\n${err}`)) : resolve(out),
    ),
  );
  t.is(stdout, 'hello, alice\nlocked down\n');
});

test('README: the two-vat demo runs and tells what happened', async t => {
  const lines = await runTwoVatDemo(() => {});
  t.is(lines.length, 10);
  t.regex(
    lines[4]!,
    /^alice: E\(echo\)\.echo\(\{ greeting: 'hello' \}\) -> \{"greeting":"hello"\}$/,
  );
  t.regex(lines[5]!, /got back the very same object$/);
  t.regex(lines[6]!, /fails with bob's error: target has no method "shout"/);
  t.regex(
    lines[7]!,
    /^bob: {3}stopped; alice's reference broke: \[disconnected\] .*peer said "\[closed\] vat \w{8} is closing"$/,
  );
  t.regex(lines[9]!, /the same sturdy ref works again: "welcome back"$/);
});
