// demo-community/web/ui/participant.ts: a member's page, served by the
// member's own vat. Rooms on the left (with the lines not yet read in each);
// the chosen room's lines in the middle (each with a button to report it);
// who is in the room, who may not hear you, and the receipts of your reports
// on the right. On a narrow screen it is one column: the rooms and the people
// are drawers above the chat, each opened by its button.
import { connect, type Connection } from './connection.js';
import { clockWords, receiptWords } from '../../daemon/desk-words.js';
import { guarded, h, said, show, stamp } from './dom.js';
import type {
  DeskLine as Line,
  DeskMember as Member,
  DeskReceipt as Receipt,
} from '../../daemon/desk-types.js';

interface RoomInfo {
  room: string;
  role: 'host' | 'member';
  as?: string;
  members: string[];
  invite?: string;
  removed?: string;
}
/** What the page knows of a joined room from watching it, shown or not. */
interface Watched {
  members: Member[];
  hostReachable?: boolean;
  removed?: string;
  /** Others' lines that arrived while another room was shown. */
  unread: number;
}
type RoomEvent =
  | { type: 'message'; line: Line }
  | { type: 'roster'; members: Member[] }
  | { type: 'host'; reachable: boolean }
  | { type: 'removed'; reason: string }
  | { type: 'receipt' };

const CATEGORIES = ['harassment', 'spam', 'threat', 'hate', 'other'];
const roomName = (room: string) => room.split('~')[0]!;
/** A reader this close to the end of the list is following it: new lines scroll it on. */
const FOLLOWING_PX = 24;

/** Whether `text` names `name` as a word of its own, in any case (`@bob`, `Bob,` but not `bobby`). */
const mentions = (text: string, name: string | undefined) => {
  if (!name) return false;
  const word = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
};

/** The tab's title: the server's already names the member when it serves one member (`alice · Stoa`); else the name goes first. */
const titleFor = (serverTitle: string, as: string | undefined) =>
  !as || serverTitle.split(/[\s·]+/).includes(as) ? serverTitle : `${as} · ${serverTitle}`;

const lineClass = (line: Line, mention: boolean) =>
  [
    'line',
    line.mine && 'mine',
    line.whisperTo && 'whisper',
    line.hiddenBy && 'hidden-line',
    mention && 'mention',
  ]
    .filter(Boolean)
    .join(' ');

/** What moderation did (from the signed roster change) or decided on your report: a line of its own. */
const noticeView = (line: Line) =>
  h(
    'li',
    {
      class: 'line notice',
      'data-testid': 'notice',
      'data-what': line.notice?.what ?? line.outcome?.action,
    },
    stamp(line.ts),
    h('span', { class: 'text' }, line.text),
  );

/** One chat line; `me` is this member's name in the room (its mentions stand out). */
const lineView = (line: Line, me: string | undefined, report: (line: Line) => void) => {
  if (line.notice || line.outcome) return noticeView(line);
  const chat = !line.mine && !line.hiddenBy && !line.notice && !line.outcome;
  const mention = chat && mentions(line.text, me);
  return h(
    'li',
    {
      class: lineClass(line, mention),
      'data-testid': 'line',
      'data-name': line.name,
      'data-mention': mention ? 'true' : undefined,
    },
    stamp(line.ts),
    h('b', {}, line.name),
    line.whisperTo ? h('span', { class: 'tag' }, `whisper to ${line.whisperTo}`) : null,
    line.hiddenBy
      ? h('span', { class: 'muted' }, `a line was hidden by the room's rule “${line.hiddenBy}”`)
      : h('span', { class: 'text' }, line.text),
    line.warnedBy ? h('span', { class: 'tag warn' }, `rule ${line.warnedBy}`) : null,
    line.mine
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: 'report',
            title: `Report this line by ${line.name}`,
            'data-testid': 'report-line',
            onclick: () => report(line),
          },
          'Report',
        ),
  );
};

/** A count of unread lines; the words are for screen readers, the number for the eye. */
const unreadBadge = (count: number) =>
  h(
    'span',
    { class: 'unread', 'data-testid': 'unread', 'data-count': count },
    String(count),
    h('span', { class: 'sr-only' }, ' unread'),
  );

/** A panel that a narrow screen hides until its button opens it (on a wide one the button is not shown). */
const drawer = (pane: HTMLElement, testId: string, ...label: Array<Node | string>) => {
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'drawer-toggle',
      'data-testid': testId,
      'aria-controls': pane.id,
      'aria-expanded': 'false',
      onclick: () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'),
    },
    ...label,
  );
  const setOpen = (open: boolean) => {
    toggle.setAttribute('aria-expanded', String(open));
    pane.classList.toggle('open', open);
  };
  return { toggle, setOpen };
};

/** Where the report is kept, for a bug report or an auditor: not what a reader needs first. */
const receiptDetails = (r: Receipt) =>
  r.caseId || r.receipt
    ? h(
        'details',
        { class: 'error-details' },
        h('summary', {}, 'Details'),
        `${r.caseId ? `case ${r.caseId}` : ''}${r.receipt ? `, moderation log entry ${r.receipt.index} of ${r.receipt.size}, root ${r.receipt.root}` : ''}`,
      )
    : null;

const receiptView = (r: Receipt) =>
  h(
    'li',
    { 'data-testid': 'receipt' },
    stamp(r.at),
    ` ${r.category} (${r.trigger === 'panic' ? 'you' : r.trigger})`,
    r.accused.length ? ` against ${r.accused.join(', ')}` : '',
    h('br'),
    receiptWords(r),
    receiptDetails(r),
  );

const start = async (vat: Connection) => {
  const app = document.getElementById('app')!;
  const serverTitle = document.title;
  const status = h('p', { class: 'status', 'data-testid': 'status' });
  const roomList = h('ul', { class: 'rooms', 'data-testid': 'rooms' });
  const title = h('h2', { 'data-testid': 'room-title' }, 'No room chosen');
  const hostState = h('p', { class: 'muted', 'data-testid': 'host-state' });
  const banner = h('p', { class: 'banner', 'data-testid': 'removed', hidden: true });
  const muteBanner = h('p', { class: 'mute-banner', 'data-testid': 'muted', hidden: true });
  const messages = h('ol', {
    class: 'messages',
    'data-testid': 'messages',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Messages',
    tabindex: 0,
  });
  const newBelow = h('button', {
    type: 'button',
    class: 'new-below',
    'data-testid': 'new-messages',
    hidden: true,
    onclick: () => toBottom(),
  });
  const roster = h('ul', { class: 'roster', 'data-testid': 'roster' });
  const receipts = h('ul', { class: 'receipts', 'data-testid': 'receipts' });
  const sendTo = h('select', {
    'data-testid': 'send-to',
    'aria-label': 'Send to',
    onchange: () => markWhisper(),
  });
  const text = h('input', {
    type: 'text',
    'data-testid': 'say-text',
    placeholder: 'Say something…',
    maxlength: 2000,
    autocomplete: 'off',
    'aria-label': 'Message',
  });
  const sendButton = h('button', { type: 'submit', 'data-testid': 'say-send' }, 'Send');
  const whisperNote = h('p', {
    class: 'whisper-note',
    'data-testid': 'whisper-marker',
    hidden: true,
  });
  const sendNote = h('p', { class: 'note', 'data-testid': 'send-note' });
  const reportPanel = h('div', {
    class: 'report-panel',
    'data-testid': 'report-panel',
    hidden: true,
  });
  const roomsPane = h('aside', { class: 'rooms-pane drawer', id: 'rooms-pane' });
  const sidePane = h('aside', { class: 'side drawer', id: 'side-pane' });
  const roomsBadge = h('span');
  const roomsDrawer = drawer(roomsPane, 'rooms-toggle', 'Rooms', roomsBadge);
  const peopleDrawer = drawer(sidePane, 'people-toggle', 'People and reports');
  let current: string | undefined;
  let rooms: RoomInfo[] = [];
  const watched = new Map<string, Watched>();
  /** The rooms whose watch is running. */
  const live = new Set<string>();
  /** The ids of the lines shown, so a line both in the history and on the watch shows once. */
  const shown = new Set<string>();
  let unseen = 0;

  const asIn = (room: string | undefined) => rooms.find(r => r.room === room)?.as;

  // The chat list: it follows new lines only while the reader is at its end.
  const following = () =>
    messages.scrollHeight - messages.scrollTop - messages.clientHeight <= FOLLOWING_PX;
  const showUnseen = (count: number) => {
    unseen = count;
    newBelow.hidden = count === 0;
    newBelow.textContent = `${count} new message${count === 1 ? '' : 's'} ↓`;
  };
  const toBottom = () => {
    messages.scrollTop = messages.scrollHeight;
    showUnseen(0);
  };
  messages.addEventListener('scroll', () => {
    if (unseen && following()) showUnseen(0);
  });
  const viewOf = (line: Line) => {
    shown.add(line.id);
    return lineView(line, asIn(current), openReport);
  };
  const addLine = (line: Line) => {
    if (shown.has(line.id)) return;
    const follow = line.mine || following();
    messages.appendChild(viewOf(line));
    if (follow) toBottom();
    else showUnseen(unseen + 1);
  };
  const showLines = (lines: Line[]) => {
    shown.clear();
    show(messages, ...lines.map(viewOf));
    toBottom();
  };

  // Sending: to everyone, or a whisper that the form marks as private until it is sent.
  const markWhisper = () => {
    const to = sendTo.value;
    sayForm.classList.toggle('whisper', Boolean(to));
    text.placeholder = to ? `Whisper to ${to}…` : 'Say something…';
    whisperNote.hidden = !to;
    whisperNote.textContent = to ? `Private: only ${to} will see this line.` : '';
  };
  /** Sends a line; the box is emptied (and the target back to everyone) at once, so the next line can be typed while this one goes. */
  const send = async (room: string) => {
    const words = text.value.trim();
    const to = sendTo.value;
    if (!words) return;
    text.value = '';
    sendTo.value = '';
    markWhisper();
    try {
      const result = to
        ? await vat.ask<{ missed: string[] }>('whisper', { room, to, text: words })
        : await vat.ask<{ missed: string[] }>('say', { room, text: words });
      if (result.missed.length)
        sendNote.textContent = `Not heard by ${result.missed.join(', ')}: unreachable right now.`;
    } catch (error) {
      // A line that did not go is given back, unless something new was typed meanwhile.
      if (!text.value) text.value = words;
      throw error;
    }
  };
  const sayForm = h(
    'form',
    {
      class: 'say',
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (current) void guarded(sendNote, () => send(current!));
      },
    },
    sendTo,
    text,
    sendButton,
  );
  const setSayEnabled = (enabled: boolean) => {
    for (const control of [text, sendTo, sendButton]) control.toggleAttribute('disabled', !enabled);
  };

  const sendReport = async (line: Line, category: string, note: string, result: Element) => {
    const receipt = await vat.ask<Receipt>('report', {
      room: current,
      ids: [line.id],
      category,
      note,
    });
    said(result, receiptWords(receipt));
    result.append(receiptDetails(receipt) ?? '');
    await refreshReceipts();
  };
  const openReport = (line: Line) => {
    const category = h(
      'select',
      { 'data-testid': 'report-category', 'aria-label': 'Category' },
      ...CATEGORIES.map(c => h('option', { value: c }, c)),
    );
    const note = h('textarea', {
      'data-testid': 'report-note',
      placeholder: 'What happened (optional)',
      'aria-label': 'What happened (optional)',
      maxlength: 2000,
      rows: 2,
    });
    const result = h('p', { class: 'note', 'data-testid': 'report-result' });
    reportPanel.hidden = false;
    show(
      reportPanel,
      h('h3', {}, `Report ${line.name}`),
      h('blockquote', {}, line.text),
      h(
        'p',
        { class: 'muted' },
        'Your vat signs the report. It shows this line and the lines of the people you report; the lines of everybody else stay withheld.',
      ),
      category,
      note,
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'data-testid': 'report-send',
            onclick: () =>
              guarded(result, () => sendReport(line, category.value, note.value, result)),
          },
          'Send report',
        ),
        h('button', { type: 'button', onclick: () => (reportPanel.hidden = true) }, 'Close'),
      ),
      result,
    );
    category.focus();
  };

  // The right-hand panel and the room's state, from what its watch said last.
  const showRoster = (state: Watched) => {
    if (state.removed)
      return show(roster, h('li', { class: 'muted' }, 'You are no longer in this room.'));
    const away = state.members.filter(m => !m.reachable);
    show(
      roster,
      ...state.members.map(m =>
        h(
          'li',
          { 'data-testid': 'member', 'data-reachable': String(m.reachable) },
          h('span', {
            class: m.reachable ? 'dot on' : 'dot off',
            title: m.reachable ? 'reachable' : 'may not hear you',
          }),
          m.name,
          m.self ? h('span', { class: 'muted' }, ' (you)') : null,
          m.role !== 'member' ? h('span', { class: 'tag' }, m.role) : null,
          m.muted ? h('span', { class: 'tag warn' }, 'muted') : null,
        ),
      ),
      away.length
        ? h(
            'li',
            { class: 'note', 'data-testid': 'unreachable' },
            `May not hear you: ${away.map(m => m.name).join(', ')}`,
          )
        : null,
    );
    showRecipients(state.members);
  };
  const showRecipients = (members: Member[]) => {
    const chosen = sendTo.value;
    show(
      sendTo,
      h('option', { value: '' }, 'everyone'),
      ...members
        .filter(m => !m.self)
        .map(m => h('option', { value: m.name }, `whisper to ${m.name}`)),
    );
    sendTo.value = members.some(m => m.name === chosen) ? chosen : '';
    markWhisper();
  };
  const showHost = (state: Watched) => {
    hostState.textContent =
      state.hostReachable === undefined
        ? ''
        : state.hostReachable
          ? 'The host is reachable.'
          : 'The host is unreachable: chat goes on; joins and kicks wait.';
  };
  const showRemoved = (state: Watched) => {
    banner.hidden = !state.removed;
    banner.textContent = state.removed ? `You were removed from this room: ${state.removed}` : '';
    setSayEnabled(!state.removed);
  };
  /** Your own mute, until when and why: a line you send meanwhile is refused with the same words. */
  const showMuted = (state: Watched) => {
    const self = state.members.find(m => m.self);
    muteBanner.hidden = !self?.muted;
    muteBanner.textContent = self?.muted
      ? `You are muted${self.mutedUntil ? ` until ${clockWords(self.mutedUntil)}` : ''}${self.muteReason ? ` — ${self.muteReason}` : ''}. Your lines are not sent until the mute ends.`
      : '';
  };
  const showRoomState = (state: Watched) => {
    showRoster(state);
    showHost(state);
    showRemoved(state);
    showMuted(state);
  };

  const refreshReceipts = async () => {
    if (!current) return;
    const list = await vat.ask<Receipt[]>('receipts', { room: current });
    show(
      receipts,
      ...(list.length ? list.map(receiptView) : [h('li', { class: 'muted' }, 'None yet.')]),
    );
  };

  // Every joined room is watched, shown or not, so that the rooms list can count its unread lines.
  const onRoomEvent = (room: string, state: Watched, event: RoomEvent) => {
    const here = room === current;
    if (event.type === 'message') {
      if (here) {
        addLine(event.line);
        if (event.line.outcome) void refreshReceipts(); // the receipt now carries the decision
      } else if (!event.line.mine) {
        state.unread++;
        showRooms();
      }
    } else if (event.type === 'roster') state.members = event.members;
    else if (event.type === 'host') state.hostReachable = event.reachable;
    else if (event.type === 'removed') state.removed = event.reason;
    if (!here) return;
    if (event.type === 'receipt') void refreshReceipts();
    else if (event.type !== 'message') showRoomState(state);
  };
  /** Watches a room (again, after a lost line: its unread count is kept). */
  const watchRoom = async (room: string) => {
    const state: Watched = watched.get(room) ?? { members: [], unread: 0 };
    watched.set(room, state);
    live.add(room);
    const watch = await vat
      .watch('room.watch', { room }, (event: RoomEvent) => onRoomEvent(room, state, event))
      .catch(error => {
        live.delete(room);
        throw error;
      });
    // A watch that ended (the vat ended it, or the line was lost) starts again at the next look at the rooms.
    void watch.ended.then(() => live.delete(room));
  };

  const memberRoomItem = (r: RoomInfo) => {
    const unread = watched.get(r.room)?.unread ?? 0;
    return h(
      'li',
      { class: r.room === current ? 'chosen' : '' },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-testid': 'room',
          'data-room': roomName(r.room),
          'aria-current': r.room === current ? 'true' : undefined,
          onclick: () => void choose(r.room),
        },
        roomName(r.room),
      ),
      unread ? unreadBadge(unread) : null,
      h('span', { class: 'muted' }, ` as ${r.as}${r.removed ? ' (removed)' : ''}`),
    );
  };
  const hostedRoomItem = (r: RoomInfo) =>
    h(
      'li',
      {},
      h('span', {}, roomName(r.room)),
      h('span', { class: 'muted' }, ' you host it '),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          title: 'Copy the invite (a secret: give it only to those you invite)',
          onclick: () => void navigator.clipboard?.writeText(r.invite ?? ''),
        },
        'copy invite',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          'data-testid': 'rules-open',
          onclick: () => void openRules(r.room),
        },
        'rules',
      ),
    );

  /** The ruleset of a room this vat hosts, edited as JSON (docs/protocol.md §9) and set the logged way. */
  const rulesPanel = h('div', { class: 'rules-panel', 'data-testid': 'rules-panel', hidden: true });
  const openRules = async (room: string) => {
    const current = await vat.ask<{ ruleset: unknown }>('room.rules', { room });
    const edit = h('textarea', {
      rows: 8,
      'data-testid': 'rules-text',
      'aria-label': `The rules of ${roomName(room)}, as JSON`,
    });
    edit.value = JSON.stringify(current.ruleset, null, 2);
    const result = h('p', { class: 'note', 'data-testid': 'rules-result' });
    const save = async () => {
      let ruleset: unknown;
      try {
        ruleset = JSON.parse(edit.value);
      } catch (error) {
        throw Error(
          `[bad-ruleset] the rules are not JSON (${(error as Error).message}); fix them and save again: nothing was changed`,
        );
      }
      const done = await vat.ask<{ logEntry?: number }>('room.rules', { room, ruleset });
      said(
        result,
        done.logEntry === undefined
          ? 'Saved: signed into the room; every member applies them now.'
          : `Saved: logged by the moderation service (entry ${done.logEntry}), then applied by the room.`,
      );
    };
    rulesPanel.hidden = false;
    show(
      rulesPanel,
      h('h3', {}, `Rules of ${roomName(room)}`),
      h(
        'p',
        { class: 'muted' },
        'Each rule: an id, an action (warn, hide, hold or auto-report), and keywords, a regex or a preset. See stoa room rules --help.',
      ),
      edit,
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'rules-save',
            onclick: () => void guarded(result, save),
          },
          'Save rules',
        ),
        h('button', { type: 'button', onclick: () => (rulesPanel.hidden = true) }, 'Close'),
      ),
      result,
    );
    edit.focus();
  };
  const showRooms = () => {
    show(
      roomList,
      ...(rooms.length
        ? rooms.map(r => (r.role === 'member' ? memberRoomItem(r) : hostedRoomItem(r)))
        : [h('li', { class: 'muted' }, 'No rooms yet: join one with an invite, or create one.')]),
    );
    const unread = [...watched.values()].reduce((sum, w) => sum + w.unread, 0);
    show(roomsBadge, unread ? unreadBadge(unread) : null);
  };
  const refreshRooms = async () => {
    rooms = await vat.ask<RoomInfo[]>('rooms');
    await Promise.all(
      rooms.filter(r => r.role === 'member' && !live.has(r.room)).map(r => watchRoom(r.room)),
    );
    showRooms();
    return rooms;
  };

  const choose = async (room: string) => {
    current = room;
    const state = watched.get(room) ?? { members: [], unread: 0 };
    state.unread = 0;
    title.textContent = roomName(room);
    document.title = titleFor(serverTitle, asIn(room));
    reportPanel.hidden = true;
    roomsDrawer.setOpen(false);
    showRoomState(state);
    showRooms();
    const lines = await vat.ask<Line[]>('history', { room, limit: 200 });
    if (current !== room) return;
    showLines(lines);
    await refreshReceipts();
    text.focus();
  };

  const invite = h('input', {
    type: 'text',
    placeholder: 'invite',
    'data-testid': 'join-invite',
    'aria-label': 'Invite',
  });
  const joinName = h('input', {
    type: 'text',
    placeholder: 'your name there',
    'data-testid': 'join-name',
    maxlength: 64,
    'aria-label': 'Your name',
  });
  const createName = h('input', {
    type: 'text',
    placeholder: 'room name',
    'data-testid': 'create-name',
    maxlength: 64,
    'aria-label': 'Room name',
  });
  const formNote = h('p', { class: 'note', 'data-testid': 'form-note' });
  const puzzleList = h('ul', { class: 'rooms', 'data-testid': 'puzzle-links' });
  /** The puzzles this vat plays, each a link to the puzzle page beside this one. */
  const showPuzzles = async () => {
    const puzzles = await vat
      .ask<Array<{ puzzle: string; role: string; as?: string }>>('puzzles')
      .catch(() => []); // a vat without puzzles (or an older one) has none to show
    const playing = puzzles.filter(p => p.role === 'player');
    show(
      puzzleList,
      ...(playing.length
        ? playing.map(p =>
            h(
              'li',
              {},
              h(
                'a',
                { href: `puzzle?p=${encodeURIComponent(p.puzzle)}`, 'data-testid': 'puzzle-link' },
                `${roomName(p.puzzle)} (as ${p.as})`,
              ),
            ),
          )
        : [h('li', { class: 'muted' }, 'None yet: stoa puzzle join INVITE --name NAME')]),
    );
  };
  const join = async () => {
    const joined = await vat.ask<{ room: string }>('room.join', {
      invite: invite.value,
      name: joinName.value,
    });
    invite.value = '';
    await refreshRooms();
    await choose(joined.room);
  };
  const create = async () => {
    const made = await vat.ask<{ invite: string }>('room.create', { name: createName.value });
    createName.value = '';
    await refreshRooms();
    said(formNote, `Created. Invite (a secret; share it with those you invite): ${made.invite}`);
  };
  const submitted = (work: () => Promise<void>) => (event: Event) => {
    event.preventDefault();
    void guarded(formNote, work);
  };

  show(
    roomsPane,
    h('h2', {}, 'Rooms'),
    roomList,
    h(
      'form',
      { onsubmit: submitted(join) },
      h('h3', {}, 'Join a room'),
      invite,
      joinName,
      h('button', { type: 'submit', 'data-testid': 'join-send' }, 'Join'),
    ),
    h(
      'form',
      { onsubmit: submitted(create) },
      h('h3', {}, 'Host a room'),
      createName,
      h('button', { type: 'submit', 'data-testid': 'create-send' }, 'Create'),
    ),
    formNote,
    rulesPanel,
    h('h2', {}, 'Puzzles'),
    puzzleList,
  );
  show(sidePane, h('h2', {}, 'In the room'), roster, h('h2', {}, 'Your reports'), receipts);
  show(
    app,
    h(
      'header',
      {},
      h('h1', {}, 'Stoa'),
      h('span', { class: 'muted' }, 'your vat, on this machine'),
      status,
    ),
    h(
      'main',
      { class: 'layout' },
      h(
        'nav',
        { class: 'switcher', 'aria-label': 'Panels' },
        roomsDrawer.toggle,
        peopleDrawer.toggle,
      ),
      roomsPane,
      h(
        'section',
        { class: 'room', 'data-testid': 'room-pane' },
        title,
        hostState,
        banner,
        muteBanner,
        h('div', { class: 'chat' }, messages, newBelow),
        whisperNote,
        sayForm,
        sendNote,
        reportPanel,
      ),
      sidePane,
    ),
  );
  vat.onLost(() => {
    status.textContent = 'Reconnecting to your vat… (is it still running?)';
    status.classList.add('error');
  });
  vat.onBack(() => {
    status.textContent = '';
    status.classList.remove('error');
    // The watches ended with the line: looking at the rooms watches them again. If it drops again, the next onBack retries.
    void refreshRooms()
      .then(() => (current ? choose(current) : undefined))
      .catch(() => undefined);
  });
  await refreshRooms();
  await showPuzzles();
  const first =
    rooms.find(r => r.role === 'member' && !r.removed) ?? rooms.find(r => r.role === 'member');
  if (first) await choose(first.room);
};

connect().then(start, (error: Error) => {
  document.getElementById('app')!.textContent = error.message;
});
