import test from '@endo/ses-ava/prepare-endo.js';
import { parseFrame } from '../../captp-transport/frames.js';

const call = {
  type: 'CTP_CALL',
  epoch: 0,
  questionID: 'q-1',
  target: 'o-1',
  method: { body: '["echo",[1]]', slots: [] },
};

test('a well-formed CapTP frame passes', t => {
  t.deepEqual(parseFrame(JSON.stringify(call)), call);
});

test('any frame may carry the drops of answered questions (docs/protocol.md §2.4)', t => {
  const carrier = { ...call, drops: ['q-2', 'q-3'] };
  t.deepEqual(parseFrame(JSON.stringify(carrier)), carrier);
  const drop = { type: 'CTP_DROP', epoch: 0, slotID: 'q-4', drops: ['q-5'] };
  t.deepEqual(parseFrame(JSON.stringify(drop)), drop);
});

const refusals: Array<[string, unknown, RegExp]> = [
  ['text that is not JSON', '{"type":', /not JSON/],
  ['JSON that is not an object', '[1,2]', /not a JSON object/],
  ['null', 'null', /not a JSON object/],
  ['an unknown type', { type: 'CTP_HACK' }, /unknown frame type "CTP_HACK"/],
  [
    'a type that is an object with its own toString (found by npm run fuzz)',
    '{"type":{"toString":"x","valueOf":1}}',
    /unknown frame type "a value of type object"/,
  ],
  ['a Trap iteration (never enabled here)', { type: 'CTP_TRAP_ITERATE' }, /unknown frame type/],
  ['another epoch (captp never checks it)', { ...call, epoch: 7 }, /epoch "7", expected 0/],
  ['a malformed question id', { ...call, questionID: { toString: 1 } }, /malformed "questionID"/],
  ['a slot with a bad prefix', { ...call, target: 'x+1' }, /malformed "target"/],
  ['a method that is not capdata', { ...call, method: 'echo' }, /malformed "method"/],
  [
    'capdata with bad slots',
    { ...call, method: { body: '[]', slots: ['../etc'] } },
    /malformed "method"/,
  ],
  [
    'a call without a target',
    { type: 'CTP_CALL', questionID: 'q-1', method: call.method },
    /"CTP_CALL" needs "target"/,
  ],
  [
    'a bootstrap without a question',
    { type: 'CTP_BOOTSTRAP', epoch: 0 },
    /"CTP_BOOTSTRAP" needs "questionID"/,
  ],
  [
    'a return with neither result nor exception',
    { type: 'CTP_RETURN', epoch: 0, answerID: 'q-1' },
    /exactly one of result and exception/,
  ],
  ['drops that are not a list', { ...call, drops: 'q-2' }, /drops that are not/],
  ['no drops in a list of drops', { ...call, drops: [] }, /drops that are not/],
  ['a drop that is not a question', { ...call, drops: ['o-2'] }, /drops that are not/],
  [
    'more drops than one frame carries',
    { ...call, drops: Array.from({ length: 1025 }, (_, i) => `q-${i + 1}`) },
    /drops that are not 1 to 1024/,
  ],
  [
    'a disconnect with an object reason',
    { type: 'CTP_DISCONNECT', reason: {} },
    /reason must be a string/,
  ],
];
for (const [what, frame, message] of refusals) {
  test(`a frame is refused: ${what}`, t => {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    t.throws(() => parseFrame(text), {
      message: new RegExp(`^\\[bad-frame\\] .*${message.source}`),
    });
  });
}

test('a refusal never echoes the frame', t => {
  const secret = 'SWISS-sekrit-0123456789';
  const error = t.throws(() => parseFrame(JSON.stringify({ ...call, target: secret })));
  t.false(error!.message.includes(secret));
});
