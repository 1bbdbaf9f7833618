// presence/waiting-forms.ts: delivery forms that name something this presence
// does not hold yet (docs/protocol.md §5.14), filed by what they wait for.
// Usually it is on its way (a head's line from its own author, or the form
// before it from the same sender), so a form is woken when the receiver
// learns of that envelope, and handed back as due once it has waited
// `holdMs`, to be asked of its sender whole. At most `maxPerSender` wait per
// sender.
import type { VatId } from '../captp-transport/index.js';
import { keysLearned } from './delivery-form.js';

export interface WaitingForm {
  item: string;
  from: VatId;
  live: boolean;
  since: number;
  /** Which envelope it is, and what it names that we lack (set when it is tried). */
  stream: string;
  seq: number;
  what: string;
  /** The key (delivery-form.ts) of the envelope whose arrival may resolve it. */
  awaits: string;
}

export interface WaitingForms {
  /** Files a form; false (and not filed) when its sender has `maxPerSender` waiting already. */
  add(form: WaitingForm): boolean;
  /** Files again a woken form that is still unresolved (it may wait on something else now). */
  refile(form: WaitingForm): void;
  /** A form that left for good: resolved, dropped, or asked for whole. */
  done(form: WaitingForm): void;
  /** We now know an envelope's id at this place: the forms waiting on it wake. */
  learn(author: VatId, stream: string, seq: number): void;
  /** The woken forms, oldest first, taken. */
  takeWoken(): WaitingForm[];
  /** The forms that have waited longer than `holdMs` at `now`, taken. */
  takeDue(now: number): WaitingForm[];
}

export const makeWaitingForms = (holdMs: number, maxPerSender: number): WaitingForms => {
  const byKey = new Map<string, WaitingForm[]>();
  const perSender = new Map<VatId, number>();
  let woken: WaitingForm[] = [];
  const file = (form: WaitingForm) => {
    const forms = byKey.get(form.awaits) ?? [];
    forms.push(form);
    byKey.set(form.awaits, forms);
  };
  const done = (form: WaitingForm) => {
    const count = (perSender.get(form.from) ?? 1) - 1;
    if (count > 0) perSender.set(form.from, count);
    else perSender.delete(form.from);
  };
  return harden({
    add(form) {
      const count = perSender.get(form.from) ?? 0;
      if (count >= maxPerSender) return false;
      perSender.set(form.from, count + 1);
      file(form);
      return true;
    },
    refile: file,
    done,
    learn(author, stream, seq) {
      for (const key of keysLearned(author, stream, seq)) {
        const forms = byKey.get(key);
        if (!forms) continue;
        byKey.delete(key);
        woken.push(...forms);
      }
    },
    takeWoken() {
      const taken = woken;
      woken = [];
      return taken;
    },
    takeDue(now) {
      const due: WaitingForm[] = [];
      for (const [key, forms] of byKey) {
        const late = forms.filter(form => now - form.since > holdMs);
        if (late.length === 0) continue;
        const rest = forms.filter(form => now - form.since <= holdMs);
        if (rest.length > 0) byKey.set(key, rest);
        else byKey.delete(key);
        due.push(...late);
      }
      for (const form of due) done(form);
      return due;
    },
  });
};
harden(makeWaitingForms);
