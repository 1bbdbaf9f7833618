// The puzzle page in headless Chromium, on the running demo's puzzle (the
// operator's vat arbitrates; alice and bob play, each their own vat in its
// own process): a drag on alice's page moves the piece on bob's; bob's grab
// of the piece alice holds is refused with her name; a piece let go near its
// slot snaps into place for both; the keyboard grabs and lays down too. Also
// on a phone's width. Screenshots:
// test-artifacts/web/.
// The lockdown playwright-core needs comes first: see test/support/web-test.ts.
import test from '../support/web-test.js';
import type { Page } from 'playwright-core';
import { keepScreenshot, launchChromium, openPage } from '../support/chromium.js';
import { startRunningDemo } from '../support/running-demo.js';
import { BOARD, BOARD_AT, TABLE } from '../../demo-community/puzzle/table.js';

const PIECE = BOARD / 4; // the demo's puzzle is 4x4

/** Where piece `index` lies on `page`'s table, in table units (from the page's own list of pieces). */
const pieceAt = async (page: Page, index: number) => {
  const item = page.getByTestId('piece-list').locator(`li[data-piece="${index}"]`);
  return {
    x: Number(await item.getAttribute('data-x')),
    y: Number(await item.getAttribute('data-y')),
  };
};

/**
 * A point inside piece `index` on `page`'s table that no piece drawn over it
 * covers (a press takes the topmost: held pieces are drawn over loose ones,
 * and a higher index over a lower), or undefined.
 */
const clearPoint = async (page: Page, index: number) => {
  const items = page.getByTestId('piece-list').locator('li');
  const pieces = await Promise.all(
    (await items.all()).map(async li => ({
      index: Number(await li.getAttribute('data-piece')),
      x: Number(await li.getAttribute('data-x')),
      y: Number(await li.getAttribute('data-y')),
      held: (await li.getAttribute('data-held')) !== null,
    })),
  );
  const me = pieces.find(p => p.index === index);
  if (!me) return undefined; // in its place: not in the list of loose pieces
  const over = (p: (typeof pieces)[number]) => (p.held !== me.held ? p.held : p.index > index);
  const inside = (p: { x: number; y: number }, x: number, y: number) =>
    x >= p.x && x < p.x + PIECE && y >= p.y && y < p.y + PIECE;
  for (let dx = 10; dx < PIECE; dx += 30)
    for (let dy = 10; dy < PIECE; dy += 30) {
      const [x, y] = [me.x + dx, me.y + dy];
      if (!pieces.some(p => over(p) && inside(p, x, y))) return { x, y, dx, dy };
    }
  return undefined;
};

/** A table point on `page`'s canvas, in the page's pixels. */
const onCanvas = async (page: Page, x: number, y: number) => {
  const box = (await page.getByTestId('puzzle-canvas').boundingBox())!;
  return { px: box.x + (x / TABLE) * box.width, py: box.y + (y / TABLE) * box.height };
};

test('a drag on one page moves the piece on another; a held piece is refused by name; a piece snaps into place; the keyboard plays too', async t => {
  const demo = await startRunningDemo();
  t.teardown(() => demo.stop());
  const browser = await launchChromium(t);
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map(who => openPage(t, browser, `${demo.url(who)}puzzle`)),
  );
  for (const page of [alice!, bob!]) {
    await page.getByTestId('puzzle-title').getByText('Puzzle picnic').waitFor();
    await page.getByTestId('puzzle-progress').getByText('0 of 16 pieces in place').waitFor();
  }

  // Alice grabs a piece and drags it 100 units right, 50 down: bob's page shows it there, held by alice.
  let index = 15;
  let grip = await clearPoint(alice!, index);
  while (!grip && index > 0) grip = await clearPoint(alice!, --index);
  const start = await pieceAt(alice!, index);
  const grabAt = await onCanvas(alice!, grip!.x, grip!.y);
  await alice!.mouse.move(grabAt.px, grabAt.py);
  await alice!.mouse.down();
  await alice!.getByTestId('puzzle-note').getByText(`You hold piece ${index}`).waitFor();
  const to = await onCanvas(alice!, grip!.x + 100, grip!.y + 50);
  await alice!.mouse.move(to.px, to.py, { steps: 8 });
  const bobsView = bob!.getByTestId('held-piece').and(bob!.locator(`[data-piece="${index}"]`));
  await bobsView.getByText(`Piece ${index}: held by alice`).waitFor();
  await t.notThrowsAsync(
    bob!.waitForFunction(
      ([i, x, y]) => {
        const li = document.querySelector(`[data-testid=held-piece][data-piece="${i}"]`);
        return (
          li !== null &&
          Math.abs(Number(li.getAttribute('data-x')) - x!) <= 4 &&
          Math.abs(Number(li.getAttribute('data-y')) - y!) <= 4
        );
      },
      [index, start.x + 100, start.y + 50],
    ),
    'bob sees the piece where alice dragged it',
  );
  await keepScreenshot(bob!, 'puzzle-bob-sees-drag');

  // Bob presses on the piece alice holds: refused, with her name.
  const bobGrip = await clearPoint(bob!, index);
  t.truthy(bobGrip, 'a clear spot on the held piece (it is drawn over every index below it)');
  const bobAt = await onCanvas(bob!, bobGrip!.x, bobGrip!.y);
  await bob!.mouse.move(bobAt.px, bobAt.py);
  await bob!.mouse.down();
  await bob!.getByTestId('puzzle-note').getByText(`Piece ${index} is held by alice`).waitFor();
  await bob!.mouse.up();

  // Alice lets go at its slot: it snaps in, for both.
  const slot = await onCanvas(
    alice!,
    BOARD_AT + (index % 4) * PIECE + grip!.dx,
    BOARD_AT + Math.floor(index / 4) * PIECE + grip!.dy,
  );
  await alice!.mouse.move(slot.px, slot.py, { steps: 4 });
  await alice!.mouse.up();
  await alice!.getByTestId('puzzle-note').getByText(`Piece ${index} is in its place.`).waitFor();
  await bob!.getByTestId('puzzle-progress').getByText('1 of 16 pieces in place').waitFor();
  await bob!.getByTestId('held').getByText('Nobody holds a piece.').waitFor();
  await keepScreenshot(alice!, 'puzzle-alice-placed');

  // By keyboard on bob's page: arrows move his cursor (from where his pointer left it) onto a piece, Space grabs, Space lays down.
  let kbIndex = 15;
  let target = await clearPoint(bob!, kbIndex);
  while ((!target || kbIndex === index) && kbIndex > 0) target = await clearPoint(bob!, --kbIndex);
  await bob!.getByTestId('puzzle-canvas').focus();
  const keys = (key: string, count: number) =>
    Array.from({ length: Math.abs(count) }).reduce<Promise<void>>(
      p => p.then(() => bob!.keyboard.press(key)),
      Promise.resolve(),
    );
  await keys(
    target!.x > bobGrip!.x ? 'ArrowRight' : 'ArrowLeft',
    Math.round((target!.x - bobGrip!.x) / 10),
  );
  await keys(
    target!.y > bobGrip!.y ? 'ArrowDown' : 'ArrowUp',
    Math.round((target!.y - bobGrip!.y) / 10),
  );
  await bob!.keyboard.press('Space');
  await bob!.getByTestId('puzzle-note').getByText(`You hold piece ${kbIndex}`).waitFor();
  await alice!.getByTestId('held').getByText(`Piece ${kbIndex}: held by bob`).waitFor();
  await bob!.keyboard.press('Shift+ArrowRight');
  await bob!.keyboard.press('Space');
  await bob!
    .getByTestId('puzzle-note')
    .getByText(new RegExp(`^Piece ${kbIndex} (laid down|is in its place)\\.$`))
    .waitFor();

  // A phone's width: the table shrinks to fit, square, without widening the page.
  await bob!.setViewportSize({ width: 390, height: 844 });
  const fits = await bob!.evaluate(() => {
    const canvas = document.querySelector('canvas')!.getBoundingClientRect();
    return (
      document.documentElement.scrollWidth <= window.innerWidth &&
      canvas.right <= window.innerWidth &&
      Math.abs(canvas.width - canvas.height) < 2
    );
  });
  t.true(fits, 'the table fits a phone');
  await keepScreenshot(bob!, 'puzzle-phone');
});
