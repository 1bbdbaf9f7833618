// Text contrast as a browser shows it, for the web tests: WCAG 2's ratio of
// relative luminances, from each text's computed colour over the backgrounds
// behind it, with every ancestor's opacity applied.
import type { Page } from 'playwright-core';

// Runs in the page. It is a string so that the test's compiler adds none of
// its helpers (esbuild's __name) to code the page cannot resolve them in.
const MEASURE = String.raw`(min) => {
  const parse = css => {
    const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
    return [r, g, b, css.startsWith('rgba') ? a : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat(1);
  const fade = (color, below, opacity) => over([color[0], color[1], color[2], opacity], below);
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // Paints the backgrounds from the root down, then fades text and background
  // by each opacity from the element up (opacity fades a whole subtree into
  // what lies behind it).
  const measure = (el, color) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let backdrop = [255, 255, 255, 1];
    const behind = [];
    for (const e of chain) {
      behind.push(backdrop);
      backdrop = over(parse(getComputedStyle(e).backgroundColor), backdrop);
    }
    let text = over(parse(color), backdrop);
    let ground = backdrop;
    for (let i = chain.length - 1; i >= 0; i--) {
      const opacity = Number(getComputedStyle(chain[i]).opacity);
      if (opacity >= 1) continue;
      text = fade(text, behind[i], opacity);
      ground = fade(ground, behind[i], opacity);
    }
    return ratio(text, ground);
  };
  const describe = el =>
    el.tagName.toLowerCase() +
    (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
    ' “' + (el.textContent ?? '').trim().slice(0, 30) + '”';
  const low = [];
  let measured = 0;
  const check = (el, what, color) => {
    measured++;
    const r = measure(el, color);
    if (r < min) low.push(what + ' ' + r.toFixed(2) + ':1');
  };
  // Disabled controls are exempt (WCAG 1.4.3); what is not rendered is not read.
  for (const el of document.querySelectorAll('body *')) {
    if (el.getClientRects().length === 0 || el.closest('[disabled]')) continue;
    if ([...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
      check(el, describe(el), getComputedStyle(el).color);
    if (el.placeholder)
      check(el, 'the placeholder “' + el.placeholder + '” (' + getComputedStyle(el, '::placeholder').color + ')', getComputedStyle(el, '::placeholder').color);
  }
  return { low, measured };
}`;

/** The texts shown on `page` whose contrast is under `minimum` (described, with their ratio), and how many were measured. */
export const lowContrast = (page: Page, minimum: number) =>
  page.evaluate<{ low: string[]; measured: number }>(`(${MEASURE})(${minimum})`);
