// A short, seeded fuzzing pass over the network surfaces (the long one is
// `npm run fuzz`): CapTP frames through a real session, relay requests, HTTP and the page's
// WebSocket, the console, the auditor dashboard's commands. Each case is answered or refused with a `[code]`,
// and afterwards an honest request is still answered.
import test from '@endo/ses-ava/prepare-endo.js';
import { dashboardSurface } from './dashboard.js';
import { doorSurface } from './replica-door.js';
import { captpSurface, consoleSurface, pageSurfaces, relaySurface } from './network.js';
import { runSurface } from './run-surface.js';

test.serial('fuzz: captp session', async t => {
  const result = await runSurface(await captpSurface(), 150);
  t.true(result.alive, 'the vat still answers an honest peer');
  t.log(JSON.stringify(result.outcomes));
});

test.serial('fuzz: relay requests from a stranger', async t => {
  const result = await runSurface(await relaySurface(), 150);
  t.true(result.alive, 'the relay still relays to the vat reserved at it');
  t.log(JSON.stringify(result.outcomes));
});

test.serial('fuzz: http paths and methods, then page websocket commands', async t => {
  const [http, page] = await pageSurfaces();
  const first = await runSurface({ ...http!, close: undefined }, 150);
  t.true(first.alive, 'the page is still served');
  const second = await runSurface(page!, 150);
  t.true(second.alive, 'the page socket still answers');
  t.log(JSON.stringify(first.outcomes), JSON.stringify(second.outcomes));
});

test.serial('fuzz: console commands', async t => {
  const result = await runSurface(await consoleSurface(), 150);
  t.true(result.alive, 'the console still answers');
  t.log(JSON.stringify(result.outcomes));
});

test.serial('fuzz: dashboard commands', async t => {
  const result = await runSurface(await dashboardSurface(), 150);
  t.true(result.alive, 'the dashboard still answers');
  t.log(JSON.stringify(result.outcomes));
});

test.serial('fuzz: a replica door, from a stranger', async t => {
  const result = await runSurface(await doorSurface(), 150);
  t.true(result.alive, 'a member still joins through the door');
  t.log(JSON.stringify(result.outcomes));
});
