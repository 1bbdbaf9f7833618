// The member's page and the auditor's dashboard in headless Chromium, on the
// running demo community: the chat basics (following the end of the list,
// unread counts per room, dates on old lines, whispers marked and reset,
// mentions, one title), layouts that fit a phone (390×844) and a laptop
// (1280×800) without overlapping or widening the page, every key control
// reachable by keyboard, and text contrast of 4.5:1 or more.
// Screenshots: test-artifacts/web/.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import type { Page } from 'playwright-core';
import { keepScreenshot, launchChromium, openPage } from '../support/chromium.js';
import { lowContrast } from '../support/contrast.js';
import { startRunningDemo, type RunningDemo } from '../support/running-demo.js';

/** A phone, half a laptop's screen, a laptop. */
const SIZES = [
  { width: 390, height: 844 },
  { width: 800, height: 800 },
  { width: 1280, height: 800 },
];
/** Enough for a reader to take a line in at a glance. */
const READABLE_PX = 300;

let demo: RunningDemo | undefined;
const url = (who: string) => demo!.url(who);

test.before(async () => {
  demo = await startRunningDemo();
});
test.after.always(() => demo?.stop());

const say = async (page: Page, text: string) => {
  await page.getByTestId('say-text').fill(text);
  await page.getByTestId('say-send').click();
};
const lineOf = (page: Page, text: string) => page.getByTestId('line').filter({ hasText: text });

/** The boxes of the regions shown, and which two of them overlap. */
const overlaps = (page: Page, selectors: string[]) =>
  page.evaluate(list => {
    const boxes = list.flatMap(selector =>
      [...document.querySelectorAll(selector)]
        .map(el => ({ selector, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height > 0),
    );
    const found: string[] = [];
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        if (
          a.box.left < b.box.right - 0.5 &&
          b.box.left < a.box.right - 0.5 &&
          a.box.top < b.box.bottom - 0.5 &&
          b.box.top < a.box.bottom - 0.5
        )
          found.push(`${a.selector} overlaps ${b.selector}`);
    return { shown: boxes.map(b => b.selector), found };
  }, selectors);

const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

const widthOf = async (page: Page, selector: string) =>
  (await page.locator(selector).boundingBox())?.width ?? 0;

/** Presses Tab from the top of the page until each of `testIds` had the focus (or `limit` presses); returns those never reached. */
const unreachedByTab = async (page: Page, testIds: string[], limit = 250) => {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const missing = new Set(testIds);
  for (let i = 0; i < limit && missing.size; i++) {
    await page.keyboard.press('Tab');
    missing.delete(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? ''),
    );
  }
  return [...missing];
};

test.serial(
  'the chat: follows the end, counts unread lines per room, dates old lines, marks whispers and mentions',
  async t => {
    const browser = await launchChromium(t);
    const [alice, bob, mallory] = await Promise.all(
      ['alice', 'bob', 'mallory'].map(who => openPage(t, browser, url(who))),
    );
    await bob!.getByTestId('room-title').getByText('town-square').waitFor();
    t.is(
      await alice!.title(),
      'alice · Stoa',
      "the tab names the member once (the server's title already does)",
    );
    const list = bob!.getByTestId('messages');
    t.is(await list.getAttribute('role'), 'log');
    t.is(await list.getAttribute('aria-live'), 'polite', 'screen readers hear new lines');

    // A whisper is marked private while its target is chosen, and the next line goes to everyone.
    await alice!.getByTestId('room-title').getByText('town-square').waitFor();
    await alice!.getByTestId('send-to').selectOption('bob');
    t.is(await alice!.getByTestId('say-text').getAttribute('placeholder'), 'Whisper to bob…');
    t.regex((await alice!.getByTestId('whisper-marker').textContent()) ?? '', /only bob/);
    await say(alice!, 'just between us');
    await lineOf(bob!, 'just between us').filter({ hasText: 'whisper to bob' }).waitFor();
    t.is(await alice!.getByTestId('send-to').inputValue(), '', 'back to everyone after the send');
    t.is(await alice!.getByTestId('say-text').getAttribute('placeholder'), 'Say something…');
    t.false(await alice!.getByTestId('whisper-marker').isVisible());

    // Mentions of the reader's own name stand out; a longer word that starts with it does not.
    await say(alice!, 'Bob, are you coming on friday?');
    await say(alice!, 'ask bobby about the chairs');
    const mention = lineOf(bob!, 'are you coming on friday');
    await mention.waitFor();
    t.is(await mention.getAttribute('data-mention'), 'true');
    t.regex((await mention.getAttribute('class')) ?? '', /\bmention\b/);
    await lineOf(bob!, 'ask bobby').waitFor();
    t.is(await lineOf(bob!, 'ask bobby').getAttribute('data-mention'), null);
    t.is(
      await lineOf(alice!, 'are you coming on friday').getAttribute('data-mention'),
      null,
      'not in her own line',
    );

    // The list follows new lines while the reader is at its end…
    for (let i = 1; i <= 25; i++) await say(alice!, `agenda item ${i}`);
    await lineOf(bob!, 'agenda item 25').waitFor();
    const atEnd = () => list.evaluate(el => el.scrollHeight - el.scrollTop - el.clientHeight <= 24);
    t.true(await atEnd(), 'at the end, the list scrolled on by itself');
    t.true(
      await list.evaluate(el => el.scrollHeight > el.clientHeight),
      'the list is long enough to scroll',
    );
    // …and stays put while they read back, counting what arrived below.
    await list.evaluate(el => {
      el.scrollTop = 0;
    });
    for (const n of ['one', 'two', 'three']) await say(alice!, `late item ${n}`);
    await lineOf(bob!, 'late item three').waitFor({ state: 'attached' });
    const newLines = bob!.getByTestId('new-messages');
    await newLines.getByText('3 new messages ↓').waitFor();
    t.is(await list.evaluate(el => el.scrollTop), 0, 'the reader stays where they were');
    await newLines.click();
    await newLines.waitFor({ state: 'hidden' });
    t.true(await atEnd(), 'the button took the reader to the end');
    // Scrolling down by hand clears the count too.
    await list.evaluate(el => {
      el.scrollTop = 0;
    });
    await say(alice!, 'one more thing');
    await newLines.getByText('1 new message ↓').waitFor();
    await list.evaluate(el => {
      el.scrollTop = el.scrollHeight;
    });
    await newLines.waitFor({ state: 'hidden' });

    // Unread counts: bob reads town-square while mallory talks in garden, a room of alice's.
    await alice!.getByTestId('create-name').fill('garden');
    await alice!.getByTestId('create-send').click();
    const invite = /Invite \(a secret; share it with those you invite\): (\S+)$/.exec(
      (await alice!.getByTestId('form-note').getByText('Created.').textContent()) ?? '',
    )?.[1];
    t.truthy(invite, 'the page shows the new room’s invite');
    for (const [page, name] of [
      [bob!, 'bob'],
      [mallory!, 'mallory'],
    ] as const) {
      await page.getByTestId('join-invite').fill(invite!);
      await page.getByTestId('join-name').fill(name);
      await page.getByTestId('join-send').click();
      await page.getByTestId('room-title').getByText('garden').waitFor();
    }
    await bob!.locator('[data-testid=room][data-room=town-square]').click();
    await bob!.getByTestId('room-title').getByText('town-square').waitFor();
    await bob!.locator('[data-testid=member]').filter({ hasText: 'alice' }).waitFor();
    await mallory!.locator('[data-testid=member]').filter({ hasText: 'bob' }).waitFor();
    await say(mallory!, 'anyone here likes tomatoes?');
    await say(mallory!, 'I have far too many');
    const gardenItem = bob!.getByTestId('rooms').locator('li').filter({ hasText: 'garden' });
    await gardenItem.locator('[data-testid=unread][data-count="2"]').waitFor();
    t.is(
      await bob!
        .getByTestId('rooms')
        .locator('li')
        .filter({ hasText: 'town-square' })
        .getByTestId('unread')
        .count(),
      0,
      'the room shown counts nothing',
    );
    t.is(await lineOf(bob!, 'tomatoes').count(), 0, 'garden’s lines are not shown in town-square');
    await gardenItem.getByTestId('room').click();
    await lineOf(bob!, 'far too many').waitFor();
    await gardenItem.getByTestId('unread').waitFor({ state: 'detached' });

    // Times: the clock alone today, the day too when the line is from another day; the full moment in datetime and title.
    const today = bob!.locator('[data-testid=line] time').first();
    t.regex((await today.textContent()) ?? '', /^\d{1,2}:\d{2}( [AP]M)?$/);
    const moment = Date.parse((await today.getAttribute('datetime')) ?? '');
    t.true(Math.abs(Date.now() - moment) < 3_600_000, 'datetime holds the moment of the line');
    t.truthy(await today.getAttribute('title'), 'the full date and time show on hover');
    const later = await openPage(t, browser, url('bob'));
    await later.clock.setFixedTime(Date.now() + 2 * 86_400_000);
    await later.reload();
    const old = later.locator('[data-testid=line] time').first();
    await old.waitFor();
    // The page's locale orders day and month; either way both are there, and the clock.
    const oldText = (await old.textContent()) ?? '';
    const day = new Date(Date.parse((await old.getAttribute('datetime')) ?? '')).getDate();
    t.regex(oldText, new RegExp(`\\b${day}\\b`), 'a line of two days ago names its day');
    t.regex(oldText, /[A-Za-z]{3}/, 'and its month');
    t.regex(oldText, /\d{1,2}:\d{2}/, 'and its time');
    t.pass();
  },
);

test.serial(
  'both pages fit a phone and a laptop, without overlap, reachable by keyboard',
  async t => {
    const browser = await launchChromium(t);
    const bob = await openPage(t, browser, url('bob'));
    const dashboard = await openPage(t, browser, url('auditor'));
    await bob.getByTestId('room-title').getByText('town-square').waitFor();
    // From the keyboard, as an auditor may (a click here sometimes waited for a frame headless Chromium did not draw).
    await dashboard.getByTestId('case-item').first().press('Enter');
    await dashboard.getByTestId('evidence').first().waitFor();
    const memberRegions = ['header', 'nav.switcher', '#rooms-pane', 'section.room', '#side-pane'];
    const dashboardRegions = ['header', 'main > aside', 'section.case'];
    for (const { width, height } of SIZES) {
      const size = `${width}x${height}`;
      const narrow = width < 700;
      await bob.setViewportSize({ width, height });
      await dashboard.setViewportSize({ width, height });

      // The member's page.
      const regions = await overlaps(bob, memberRegions);
      t.deepEqual(regions.found, [], `${size}: the member's regions do not overlap`);
      t.deepEqual(
        regions.shown,
        narrow
          ? ['header', 'nav.switcher', 'section.room']
          : ['header', '#rooms-pane', 'section.room', '#side-pane'],
        `${size}: the regions shown`,
      );
      t.true(await fitsWidth(bob), `${size}: the member's page is no wider than the window`);
      t.true(
        (await widthOf(bob, '[data-testid=messages]')) >= READABLE_PX,
        `${size}: the chat is readable`,
      );
      const keys = ['send-to', 'say-text', 'say-send', 'report-line'];
      t.deepEqual(
        await unreachedByTab(
          bob,
          narrow
            ? ['rooms-toggle', 'people-toggle', ...keys]
            : ['room', 'join-invite', 'join-name', ...keys],
        ),
        [],
        `${size}: Tab reaches the member's key controls`,
      );
      await keepScreenshot(bob, `participant-${size}`);
      if (narrow) {
        for (const [toggle, pane] of [
          ['people-toggle', '#side-pane'],
          ['rooms-toggle', '#rooms-pane'],
        ] as const) {
          const button = bob.getByTestId(toggle);
          t.is(await button.evaluate(el => el.tagName), 'BUTTON');
          t.is(await button.getAttribute('aria-expanded'), 'false');
          await button.press('Enter');
          await bob.locator(pane).waitFor();
          t.is(await button.getAttribute('aria-expanded'), 'true');
          t.deepEqual(
            (await overlaps(bob, memberRegions)).found,
            [],
            `${size}: ${pane} open overlaps nothing`,
          );
          t.true(await fitsWidth(bob));
          await keepScreenshot(bob, `participant-${size}-${toggle.replace('-toggle', '')}`);
          await button.click();
          await bob.locator(pane).waitFor({ state: 'hidden' });
        }
        // Choosing a room from the drawer closes it.
        await bob.getByTestId('rooms-toggle').click();
        await bob.locator('[data-testid=room][data-room=town-square]').click();
        await bob.locator('#rooms-pane').waitFor({ state: 'hidden' });
        t.is(await bob.getByTestId('rooms-toggle').getAttribute('aria-expanded'), 'false');
      }

      // The dashboard.
      const panes = await overlaps(dashboard, dashboardRegions);
      t.deepEqual(panes.found, [], `${size}: the dashboard's regions do not overlap`);
      t.is(panes.shown.length, 4, `${size}: header, queue, case and log are all shown`);
      t.true(await fitsWidth(dashboard), `${size}: the dashboard is no wider than the window`);
      t.true(
        (await widthOf(dashboard, 'section.case')) >= READABLE_PX,
        `${size}: the case is readable`,
      );
      t.deepEqual(
        await unreachedByTab(dashboard, [
          'case-item',
          'gather',
          'reason',
          'act-send',
          'verify-log',
        ]),
        [],
        `${size}: Tab reaches the dashboard's key controls`,
      );
      await keepScreenshot(dashboard, `dashboard-${size}`);
    }
  },
);

test.serial('text contrast is at least 4.5:1 on both pages', async t => {
  const browser = await launchChromium(t);
  const bob = await openPage(t, browser, url('bob'));
  await bob.getByTestId('room-title').getByText('town-square').waitFor();
  await bob.getByTestId('report-line').first().waitFor();
  await bob.getByTestId('send-to').selectOption('alice');
  const member = await lowContrast(bob, 4.5);
  t.deepEqual(member.low, [], "the member's page");
  t.true(member.measured > 20, `measured ${member.measured} texts`);
  await bob.getByTestId('report-line').first().hover();
  t.deepEqual((await lowContrast(bob, 4.5)).low, [], 'a hovered line and its Report button');

  const dashboard = await openPage(t, browser, url('auditor'));
  await dashboard.getByTestId('case-item').first().press('Enter');
  await dashboard.getByTestId('evidence').first().waitFor();
  const auditor = await lowContrast(dashboard, 4.5);
  t.deepEqual(auditor.low, [], 'the dashboard');
  t.true(auditor.measured > 20, `measured ${auditor.measured} texts`);
});
