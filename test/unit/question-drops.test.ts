// An answered question's drop waits for the session's next frame, or the turn's end (captp-transport/question-drops.ts).
import test from '@endo/ses-ava/prepare-endo.js';
import {
  carriedDrops,
  isQuestionDrop,
  makeQuestionDrops,
} from '../../captp-transport/question-drops.js';
import { MAX_DROPS_PER_FRAME } from '../../captp-transport/frames.js';

const drop = (n: number) => ({ type: 'CTP_DROP', slotID: `q-${n}`, decRefs: 1, epoch: 0 });
const call = { type: 'CTP_CALL', epoch: 0, target: 'o-1', method: { body: '[]', slots: [] } };

test('only drops of questions are held', t => {
  t.true(isQuestionDrop(drop(1)));
  t.false(isQuestionDrop({ type: 'CTP_DROP', slotID: 'o-3', decRefs: 2, epoch: 0 }));
  t.false(isQuestionDrop(call));
});

test('held drops ride on the next frame, once, and arrive before it', t => {
  const drops = makeQuestionDrops();
  t.false(drops.hold(drop(1)));
  t.false(drops.hold(drop(2)));
  const carrier = drops.carry(call);
  t.deepEqual(carrier, { ...call, drops: ['q-1', 'q-2'] });
  t.is(drops.carry(call), call, 'carried once');
  t.is(drops.take(), undefined);
  t.deepEqual(carriedDrops(carrier), [
    { type: 'CTP_DROP', slotID: 'q-1', epoch: 0 },
    { type: 'CTP_DROP', slotID: 'q-2', epoch: 0 },
  ]);
  t.deepEqual(carriedDrops(call), []);
});

test('what no frame carried leaves as one drop frame at the turn end, and a full frame at once', t => {
  const drops = makeQuestionDrops();
  drops.hold(drop(7));
  t.deepEqual(drops.take(), { type: 'CTP_DROP', slotID: 'q-7', epoch: 0 });
  drops.hold(drop(8));
  drops.hold(drop(9));
  t.deepEqual(drops.take(), { type: 'CTP_DROP', slotID: 'q-8', epoch: 0, drops: ['q-9'] });
  let full = false;
  for (let n = 1; n <= MAX_DROPS_PER_FRAME; n += 1) full = drops.hold(drop(n));
  t.true(full, 'a frame’s worth is sent without waiting');
  const frame = drops.take()!;
  t.is((frame.drops as string[]).length, MAX_DROPS_PER_FRAME - 1);
});
