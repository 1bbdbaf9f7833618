// The web pages in a real browser (headless Chromium), on the running demo
// community: alice and bob chat through their own vats' pages, bob reports a
// line with the panic button and sees its receipt, the auditor sees the
// verified report with a mark per line, kicks with a statement of reasons,
// and alice's page says she was removed. Screenshots: test-artifacts/web/.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import { keepScreenshot, launchChromium, openPage } from '../support/chromium.js';
import { startRunningDemo } from '../support/running-demo.js';

test('participants chat, report and are kicked through their pages; the auditor acts from the dashboard', async t => {
  const demo = await startRunningDemo();
  t.teardown(() => demo.stop());
  const { url } = demo;
  t.truthy(url('alice') && url('bob') && url('auditor'), 'the demo printed each page');

  const browser = await launchChromium(t);
  const [alice, bob, mallory] = await Promise.all(
    ['alice', 'bob', 'mallory'].map(who => openPage(t, browser, url(who))),
  );
  await mallory!.getByTestId('removed').getByText('kicked: insulting a member').waitFor();

  // Chat, each way, vat to vat.
  await alice!.getByTestId('say-text').fill('the book club meets on friday');
  await alice!.getByTestId('say-send').click();
  const bobsLine = bob!.getByTestId('line').filter({ hasText: 'the book club meets on friday' });
  await bobsLine.waitFor();
  await bob!.getByTestId('say-text').fill('great, see you there');
  await bob!.getByTestId('say-send').click();
  await alice!.getByTestId('line').filter({ hasText: 'great, see you there' }).waitFor();
  // One unbroken 1,900-character word (the box takes 2,000) wraps inside its line: no sideways scrolling.
  const word = `w${'o'.repeat(1898)}d`;
  await alice!.getByTestId('say-text').fill(word);
  await alice!.getByTestId('say-send').click();
  await bob!.getByTestId('line').filter({ hasText: word }).waitFor();
  t.true(
    await bob!.evaluate(() => {
      const root = document.documentElement;
      return root.scrollWidth <= root.clientWidth;
    }),
    'a long word wraps instead of widening the page',
  );
  t.is(await alice!.getByTestId('member').count(), 2, 'alice sees two members');
  t.is(
    await alice!.locator('[data-testid=member][data-reachable=true]').count(),
    2,
    'both reachable',
  );

  // Whisper.
  await alice!.getByTestId('send-to').selectOption('bob');
  await alice!.getByTestId('say-text').fill('only for you');
  await alice!.getByTestId('say-send').click();
  await bob!
    .getByTestId('line')
    .filter({ hasText: 'only for you' })
    .filter({ hasText: 'whisper to bob' })
    .waitFor();

  // Bob's panic button on alice's line; his page shows the receipt.
  await bobsLine.getByTestId('report-line').click();
  await bob!.getByTestId('report-category').selectOption('spam');
  await bob!.getByTestId('report-note').fill('she keeps advertising her club');
  await bob!.getByTestId('report-send').click();
  await bob!.getByTestId('report-result').getByText(/\S/).waitFor();
  t.regex(
    // biome-ignore lint/performance/useDomNodeTextContent: a playwright locator: the text as the page shows it
    await bob!.getByTestId('report-result').innerText(),
    /^Received and checked: every signature holds; no decision yet\.\s+Details/,
  );
  t.true(
    (await bob!.getByTestId('receipt').count()) >= 2,
    "bob's page lists the receipts of his reports (the filter's and his own)",
  );
  await keepScreenshot(bob!, 'participant-bob-reported');

  // The auditor: queue, evidence with a mark per line, the kick.
  const dashboard = await openPage(t, browser, url('auditor'));
  await dashboard.getByTestId('whoami').getByText('auditor ana (act)').waitFor();
  const aliceCase = dashboard.getByTestId('case-item').filter({ hasText: 'alice in town-square' });
  await aliceCase.click();
  const evidence = dashboard.getByTestId('evidence');
  await evidence.first().waitFor();
  t.is(await evidence.first().getAttribute('data-verdict'), 'verified');
  const items = evidence.first().getByTestId('item');
  t.true((await items.count()) >= 1);
  t.is(
    await evidence.first().locator('[data-testid=item][data-ok=false]').count(),
    0,
    'every line checks out',
  );
  await evidence
    .first()
    .getByTestId('item')
    .filter({ hasText: 'the book club meets on friday' })
    .waitFor();
  await dashboard.getByTestId('gather').click();
  await dashboard.getByTestId('gathered').getByText('Gathered context').waitFor();
  await dashboard.getByTestId('reason').fill('advertising after being asked to stop');
  await dashboard.getByTestId('act-send').click();
  await dashboard.getByTestId('act-confirm').click();
  await dashboard
    .getByTestId('act-result')
    .getByText(/logged as entry \d+/)
    .waitFor();
  await dashboard.getByTestId('verify-log').click();
  await dashboard
    .getByTestId('log-verdict')
    .getByText(/^checkpoint of size \d+ signed by the operator and saved/)
    .waitFor();
  await dashboard.getByTestId('verify-log').click();
  await dashboard
    .getByTestId('log-verdict')
    .getByText(/^the log grew from \d+ to \d+ entries/)
    .waitFor();
  await keepScreenshot(dashboard, 'auditor-dashboard');

  // Alice's page says so; bob's roster no longer lists her.
  await alice!
    .getByTestId('removed')
    .getByText('kicked: advertising after being asked to stop')
    .waitFor();
  t.true(await alice!.getByTestId('say-send').isDisabled());
  await bob!
    .locator('[data-testid=member]')
    .filter({ hasText: 'alice' })
    .waitFor({ state: 'detached' });
  await keepScreenshot(alice!, 'participant-alice-removed');
  t.pass();
});
