// The host's page edits its room's rules (issue 11, item 7), in headless
// Chromium on a vat run by `stoa vat start`: the rules are shown as JSON,
// saved through the same logged path as `stoa room rules`, and bad input is
// refused in words (the code under Details) and changes nothing.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import { childVat, stoaJson, tempDir } from '../helpers.js';
import { launchChromium, openPage } from '../support/chromium.js';

test("the host's page sets the room's rules; bad rules are refused and change nothing", async t => {
  const dir = tempDir(t);
  const vat = await childVat(t, { dataDir: dir });
  await stoaJson(['room', 'create', 'lobby', '--data', dir]);
  const browser = await launchChromium(t);
  const page = await openPage(t, browser, String(vat.ready.web));
  await page.getByTestId('rules-open').click();
  const rules = page.getByTestId('rules-text');
  t.deepEqual(JSON.parse(await rules.inputValue()), {});
  const result = page.getByTestId('rules-result');

  await rules.fill('{"rules": [');
  await page.getByTestId('rules-save').click();
  await result.getByText(/^The rules are not JSON \(.*\); fix them and save again/).waitFor();
  t.is(await result.locator('details').getAttribute('data-code'), 'bad-ruleset');
  await rules.fill('{"rules":[{"id":"x","action":"shout","keywords":["a"]}]}');
  await page.getByTestId('rules-save').click();
  await result.locator('details[data-code]').waitFor();
  t.deepEqual((await stoaJson(['room', 'rules', 'lobby', '--data', dir])).ruleset, {});

  const insults = { rules: [{ id: 'insults', action: 'warn', keywords: ['idiot'] }] };
  await rules.fill(JSON.stringify(insults));
  await page.getByTestId('rules-save').click();
  await result.getByText('Saved: signed into the room; every member applies them now.').waitFor();
  t.true(await result.evaluate(e => e.classList.contains('done')), 'success is not a warning');
  t.like((await stoaJson(['room', 'rules', 'lobby', '--data', dir])).ruleset, insults);
});
