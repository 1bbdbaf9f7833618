// captp-transport/frames.ts: one CapTP message per WebSocket message, as JSON.
// Every frame from the wire is checked here before @endo/captp sees it: an
// object with a known `type`, our epoch, and slot fields of the right shape.
// Errors name the problem, never echo the frame (it is peer data).
import { Fail, q } from '@endo/errors';
import { peerText } from './peer-text.js';

/** The CapTP messages a Stoa session speaks (no Trap: we never enable it). */
export const FRAME_TYPES = harden([
  'CTP_BOOTSTRAP',
  'CTP_CALL',
  'CTP_RETURN',
  'CTP_RESOLVE',
  'CTP_DROP',
  'CTP_DISCONNECT',
] as const);
export type FrameType = (typeof FRAME_TYPES)[number];
export type Frame = { type: FrameType; [field: string]: unknown };

const KNOWN = new Set<string>(FRAME_TYPES);
/** captp's per-instance epoch; one session per connection means it is always 0. */
export const EPOCH = 0;
const SLOT_RE = /^[opqt][+-][0-9]{1,15}$/;
/** Questions are numbered by their asker: q-1, q-2, … */
const QUESTION_RE = /^q-[1-9][0-9]{0,14}$/;
/** Question ids one frame's `drops` may carry (question-drops.ts): the answers it releases. */
export const MAX_DROPS_PER_FRAME = 1_024;
/** Slots one capdata may carry: each new one becomes an import we keep. */
export const MAX_SLOTS_PER_CAPDATA = 1_000;
const SLOT_FIELDS = ['questionID', 'answerID', 'target', 'promiseID', 'slotID'] as const;
const CAPDATA_FIELDS = ['method', 'result', 'exception', 'res', 'rej'] as const;
/** Fields captp reads without checking, per type. */
const REQUIRED: Record<FrameType, readonly string[]> = {
  CTP_BOOTSTRAP: ['questionID'],
  // A one-way call (E.sendOnly) has no questionID: nothing is returned.
  CTP_CALL: ['target', 'method'],
  CTP_RETURN: ['answerID'],
  CTP_RESOLVE: ['promiseID'],
  CTP_DROP: ['slotID'],
  CTP_DISCONNECT: [],
};

const isCapData = (x: unknown): boolean => {
  if (typeof x !== 'object' || x === null) return false;
  const { body, slots } = x as { body?: unknown; slots?: unknown };
  return (
    typeof body === 'string' &&
    Array.isArray(slots) &&
    slots.length <= MAX_SLOTS_PER_CAPDATA &&
    slots.every(s => typeof s === 'string' && SLOT_RE.test(s))
  );
};

/** Parses and checks one frame; throws a `[bad-frame]` error saying what is wrong. */
export const parseFrame = (text: string): Frame => {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw Fail`[bad-frame] not JSON (${q(Buffer.byteLength(text, 'utf8'))} bytes)`;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw Fail`[bad-frame] not a JSON object`;
  }
  const record = frame as Record<string, unknown>;
  const { type } = record;
  if (typeof type !== 'string' || !KNOWN.has(type)) {
    throw Fail`[bad-frame] unknown frame type ${q(peerText(type))}`;
  }
  if (type !== 'CTP_DISCONNECT' && record.epoch !== undefined && record.epoch !== EPOCH) {
    throw Fail`[bad-frame] ${q(type)} carries epoch ${q(peerText(record.epoch, 16))}, expected ${q(EPOCH)}`;
  }
  for (const field of SLOT_FIELDS) {
    const slot = record[field];
    if (slot !== undefined && (typeof slot !== 'string' || !SLOT_RE.test(slot))) {
      throw Fail`[bad-frame] ${q(type)} has a malformed ${q(field)}`;
    }
  }
  for (const field of CAPDATA_FIELDS) {
    if (record[field] !== undefined && !isCapData(record[field])) {
      throw Fail`[bad-frame] ${q(type)} has a malformed ${q(field)}`;
    }
  }
  for (const field of ['questionID', 'answerID'] as const) {
    const id = record[field];
    if (id !== undefined && (typeof id !== 'string' || !QUESTION_RE.test(id))) {
      throw Fail`[bad-frame] ${q(type)} has a ${q(field)} that is not a question (q-N)`;
    }
  }
  const { drops } = record;
  if (
    drops !== undefined &&
    (!Array.isArray(drops) ||
      drops.length === 0 ||
      drops.length > MAX_DROPS_PER_FRAME ||
      !drops.every(id => typeof id === 'string' && QUESTION_RE.test(id)))
  ) {
    throw Fail`[bad-frame] ${q(type)} has drops that are not 1 to ${q(MAX_DROPS_PER_FRAME)} questions (q-N)`;
  }
  if (type === 'CTP_DROP' && typeof record.slotID === 'string' && !/^[opq]-/.test(record.slotID)) {
    throw Fail`[bad-frame] CTP_DROP may only drop what the peer imported`;
  }
  const missing = REQUIRED[type as FrameType].filter(field => record[field] === undefined);
  if (missing.length > 0) {
    throw Fail`[bad-frame] ${q(type)} needs ${q(missing.join(', '))}`;
  }
  if (type === 'CTP_RETURN' && (record.result === undefined) === (record.exception === undefined)) {
    throw Fail`[bad-frame] CTP_RETURN needs exactly one of result and exception`;
  }
  if (
    type === 'CTP_DISCONNECT' &&
    record.reason !== undefined &&
    typeof record.reason !== 'string'
  ) {
    throw Fail`[bad-frame] CTP_DISCONNECT reason must be a string`;
  }
  return record as Frame;
};
harden(parseFrame);
