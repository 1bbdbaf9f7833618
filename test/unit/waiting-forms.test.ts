// The forms a presence keeps waiting (docs/protocol.md §5.14): woken by the
// envelope they wait on, due after holdMs, and bounded per sender.
import test from '@endo/ses-ava/prepare-endo.js';
import { keysLearned } from '../../presence/delivery-form.js';
import { PUBLIC } from '../../presence/index.js';
import { makeWaitingForms, type WaitingForm } from '../../presence/waiting-forms.js';

// Keys are only compared; a vat id's key reference needs a real one.
const ALICE = '5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwa';
const form = (from: string, since: number, awaits: string, seq = 1): WaitingForm => ({
  item: 'x',
  from,
  live: true,
  since,
  stream: PUBLIC,
  seq,
  what: 'prev',
  awaits,
});

test('a form wakes when the envelope it waits on is learned, and only then', t => {
  const forms = makeWaitingForms(1000, 4);
  const [place, byRef] = keysLearned(ALICE, PUBLIC, 3);
  const onPlace = form('bob', 0, place!);
  const onHead = form('carol', 0, byRef!);
  t.true(forms.add(onPlace));
  t.true(forms.add(onHead));
  forms.learn(ALICE, PUBLIC, 2);
  t.deepEqual(forms.takeWoken(), []);
  forms.learn(ALICE, PUBLIC, 3);
  t.deepEqual(forms.takeWoken(), [onPlace, onHead]);
  t.deepEqual(forms.takeWoken(), [], 'taken once');
});

test('forms are due once they waited holdMs, and then leave room for their sender', t => {
  const forms = makeWaitingForms(1000, 2);
  const old = form('bob', 0, 'k1');
  t.true(forms.add(old));
  t.true(forms.add(form('bob', 500, 'k1', 2)));
  t.false(forms.add(form('bob', 600, 'k2', 3)), 'two wait from bob already');
  t.true(forms.add(form('carol', 600, 'k2')), 'another sender has its own bound');
  t.deepEqual(forms.takeDue(1000), [], 'not yet: waited 1000 ms, not more');
  t.deepEqual(forms.takeDue(1001), [old]);
  t.true(forms.add(form('bob', 1001, 'k3', 4)));
});
