// demo-community/web/ui/dom.ts: building the page from data without HTML
// strings. Every text goes in as a text node, so a chat line can never become
// markup.
import { splitCode } from '../../cli/error-code.js';

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;
/** An element: attributes (`on…` are listeners, `false`/`undefined` are left out), then children. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
};

export const append = (parent: Node, ...children: Child[]) => {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
};

/** Replaces what `parent` shows. */
export const show = (parent: Element, ...children: Child[]) => {
  parent.replaceChildren();
  append(parent, ...children);
};

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

/** A moment as a reader scans it: the clock alone today, the day too on other days (and the year in other years). */
export const time = (ts: number) => {
  const at = new Date(ts);
  const now = new Date();
  const clock = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (sameDay(at, now)) return clock;
  const day = at.toLocaleDateString([], {
    day: 'numeric',
    month: 'short',
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
  return `${day} ${clock}`;
};

/** A <time> showing `time(ts)`, the full date and time in its datetime and title (a tooltip). */
export const stamp = (ts: number) =>
  h(
    'time',
    { datetime: new Date(ts).toISOString(), title: new Date(ts).toLocaleString() },
    time(ts),
  );

/** A short form of a long id, for display. */
export const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/**
 * Runs `work`, showing its failure in `where`: the sentence for the reader,
 * the whole message with its `[code]` under "Details" (for a bug report).
 */
export const guarded = async (where: Element, work: () => Promise<unknown>) => {
  try {
    where.textContent = '';
    where.classList.remove('error', 'done');
    await work();
  } catch (error) {
    const message = (error as Error).message;
    const { code, sentence } = splitCode(message);
    show(
      where,
      sentence.charAt(0).toUpperCase() + sentence.slice(1),
      code
        ? h(
            'details',
            { class: 'error-details', 'data-code': code },
            h('summary', {}, 'Details'),
            message,
          )
        : null,
    );
    where.classList.add('error');
  }
};

/** Says that something worked: in the colour of success, not of a warning. */
export const said = (where: Element, text: string) => {
  where.textContent = text;
  where.classList.add('done');
};
