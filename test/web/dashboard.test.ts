// The auditor dashboard (issue 11, item 6), in headless Chromium on the
// running demo community: cases carry a status; a new report reaches the
// open page without polling; a whisper in the evidence is marked private;
// "Review…" shows exactly what will be signed, Cancel signs nothing; mute
// for 2h, unmute and dismiss are logged, and the log says who did what to
// whom; the room shows the mute as one line, alice's page says until when
// and why and refuses her line in those words; bob's receipt tells the
// outcome. Screenshots: test-artifacts/web/.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import { keepScreenshot, launchChromium, openPage } from '../support/chromium.js';
import { startRunningDemo } from '../support/running-demo.js';

test('the dashboard shows case status, confirms before signing, and is told of new reports', async t => {
  const demo = await startRunningDemo();
  t.teardown(() => demo.stop());
  const { url } = demo;
  const browser = await launchChromium(t);
  const [dashboard, bob, alice] = await Promise.all(
    ['auditor', 'bob', 'alice'].map(who => openPage(t, browser, url(who))),
  );
  const dash = dashboard!;

  // The demo's case against mallory was acted on; the log says who did what to whom.
  const malloryCase = dash.getByTestId('case-item').filter({ hasText: 'mallory in town-square' });
  await malloryCase.getByTestId('case-status').and(dash.locator('[data-status=acted]')).waitFor();
  await dash
    .getByTestId('log-entry')
    .filter({ hasText: /ana removed mallory from the room — insulting a member \(case / })
    .waitFor();

  // Bob reports alice's whisper to him: the open dashboard is told, and shows it private;
  // a keyboard user's focus stays on the case it was on while the queue is drawn anew.
  await malloryCase.focus();
  const focusedCase = () =>
    dash.evaluate(() => (document.activeElement as HTMLElement).dataset.case);
  const malloryId = (await malloryCase.getAttribute('data-case')) ?? undefined;
  const whisper = bob!.getByTestId('line').filter({ hasText: 'want to start a book club?' });
  await whisper.getByTestId('report-line').click();
  await bob!.getByTestId('report-send').click();
  await bob!.getByTestId('report-result').getByText(/\S/).waitFor();
  const aliceCase = dash.getByTestId('case-item').filter({ hasText: 'alice in town-square' });
  await aliceCase.getByTestId('case-status').and(dash.locator('[data-status=open]')).waitFor();
  t.is(await focusedCase(), malloryId, 'focus stays on the case');
  await aliceCase.click();
  await dash
    .getByTestId('item')
    .filter({ hasText: 'want to start a book club?' })
    .getByTestId('private')
    .getByText('private: whisper to bob')
    .waitFor();

  // Review shows what will be signed; Cancel signs nothing.
  const logged = () => dash.getByTestId('log-entry').count();
  await dash.getByTestId('action').selectOption('mute');
  await dash.getByTestId('duration').fill('2h');
  await dash.getByTestId('reason').fill('whispering spam');
  await dash.getByTestId('act-send').click();
  await dash
    .getByTestId('confirm')
    .getByText('mute alice for 2 h, because: whispering spam')
    .waitFor();
  t.like(JSON.parse((await dash.getByTestId('confirm-json').textContent()) ?? ''), {
    action: 'mute',
    durationMs: 7_200_000,
    reason: 'whispering spam',
  });
  t.true(
    await dash.getByTestId('confirm-json').evaluate(e => e.scrollWidth <= e.clientWidth),
    'what will be signed wraps inside the case',
  );
  await keepScreenshot(dash, 'dashboard-confirm');
  const before = await logged();
  await dash.getByTestId('confirm').getByRole('button', { name: 'Cancel' }).click();
  t.true(await dash.getByTestId('confirm').isHidden());
  t.is(await logged(), before, 'nothing was signed or logged');

  // Sign and apply; then lift it; then dismiss: each logged, the status follows.
  await dash.getByTestId('act-send').click();
  await dash.getByTestId('act-confirm').click();
  await dash
    .getByTestId('act-result')
    .getByText(/^Signed by your vat and logged as entry \d+/)
    .waitFor();
  await dash
    .getByTestId('log-entry')
    .filter({ hasText: /ana muted alice for 2 h — whispering spam/ })
    .waitFor();
  await dash.locator('h2 [data-testid=case-status][data-status=acted]').waitFor();
  // The room is told, in one line from the signed roster change; alice is told until when and why.
  const untilTime = /until (\d\d:\d\d|\d+ \w{3} \d\d:\d\d)/.source;
  for (const page of [alice!, bob!])
    await page
      .getByTestId('notice')
      .filter({ hasText: new RegExp(`(alice was|You were) muted ${untilTime} — whispering spam`) })
      .first()
      .waitFor();
  await alice!
    .getByTestId('muted')
    .getByText(new RegExp(`^You are muted ${untilTime} — whispering spam \\(case `))
    .waitFor();
  await alice!.getByTestId('say-text').fill('let me explain');
  await alice!.getByTestId('say-send').click();
  await alice!
    .getByTestId('send-note')
    .getByText(new RegExp(`^You are muted in this room ${untilTime} — whispering spam`))
    .waitFor();
  t.is(
    await alice!.getByTestId('send-note').locator('details').getAttribute('data-code'),
    'muted',
    'the code is kept under Details',
  );
  t.is(
    await alice!.getByTestId('say-text').inputValue(),
    'let me explain',
    'the line is given back',
  );
  await bob!
    .getByTestId('receipt')
    .filter({ hasText: 'The moderators muted alice for 2 h — whispering spam' })
    .waitFor();
  t.is(
    await alice!.getByTestId('rooms').getByTestId('unread').count(),
    0,
    'lines of the room on screen are not counted unread',
  );
  await keepScreenshot(alice!, 'participant-muted');
  await dash.getByTestId('action').selectOption('unmute');
  await dash.getByTestId('reason').fill('she explained');
  await dash.getByTestId('act-send').click();
  await dash.getByTestId('confirm').getByText('unmute alice, because: she explained').waitFor();
  await dash.getByTestId('act-confirm').click();
  await dash
    .getByTestId('log-entry')
    .filter({ hasText: /ana lifted the mute on alice — she explained/ })
    .waitFor();
  await dash.getByTestId('dismiss-reason').fill('a misunderstanding');
  await dash.getByTestId('dismiss-send').click();
  await dash.locator('h2 [data-testid=case-status][data-status=dismissed]').waitFor();
  await dash
    .getByTestId('dismiss-result')
    .getByText(/^Dismissed; logged as entry \d+/)
    .waitFor();
  await dash
    .getByTestId('log-entry')
    .filter({ hasText: /ana closed case \S+ without action — a misunderstanding/ })
    .waitFor();
  // A bad duration is refused in words, and nothing is signed.
  await dash.getByTestId('action').selectOption('ban');
  await dash.getByTestId('duration').fill('2 fortnights');
  await dash.getByTestId('reason').fill('x');
  await dash.getByTestId('act-send').click();
  await dash
    .getByTestId('act-result')
    .getByText(/is not a duration: write for example 10m/)
    .waitFor();
  await keepScreenshot(dash, 'dashboard-dismissed');
  t.pass();
});
