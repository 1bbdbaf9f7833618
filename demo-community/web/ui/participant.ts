// demo-community/web/ui/participant.ts: a member's page, served by the
// member's own vat. Rooms on the left; the chosen room's lines in the middle
// (each with a button to report it); who is in the room, who may not hear
// you, and the receipts of your reports on the right.
import { connect, type Connection } from './connection.js';
import { guarded, h, show, time } from './dom.js';
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
const CATEGORIES = ['harassment', 'spam', 'threat', 'hate', 'other'];
const roomName = (room: string) => room.split('~')[0]!;

const start = async (vat: Connection) => {
  const app = document.getElementById('app')!;
  const status = h('p', { class: 'status', 'data-testid': 'status' });
  const roomList = h('ul', { class: 'rooms', 'data-testid': 'rooms' });
  const title = h('h2', { 'data-testid': 'room-title' }, 'No room chosen');
  const hostState = h('p', { class: 'muted', 'data-testid': 'host-state' });
  const banner = h('p', { class: 'banner', 'data-testid': 'removed', hidden: true });
  const messages = h('ol', { class: 'messages', 'data-testid': 'messages' });
  const roster = h('ul', { class: 'roster', 'data-testid': 'roster' });
  const receipts = h('ul', { class: 'receipts', 'data-testid': 'receipts' });
  const sendTo = h('select', { 'data-testid': 'send-to', 'aria-label': 'Send to' });
  const text = h('input', {
    type: 'text',
    'data-testid': 'say-text',
    placeholder: 'Say something…',
    maxlength: 2000,
    autocomplete: 'off',
    'aria-label': 'Message',
  });
  const sendNote = h('p', { class: 'note', 'data-testid': 'send-note' });
  const reportPanel = h('div', {
    class: 'report-panel',
    'data-testid': 'report-panel',
    hidden: true,
  });
  let current: string | undefined;
  let watching: { stop(): void } | undefined;
  let members: Member[] = [];

  const sayForm = h(
    'form',
    {
      class: 'say',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const words = text.value.trim();
        if (!current || !words) return;
        void guarded(sendNote, async () => {
          const to = sendTo.value;
          const result = to
            ? await vat.ask<{ missed: string[] }>('whisper', { room: current, to, text: words })
            : await vat.ask<{ missed: string[] }>('say', { room: current, text: words });
          text.value = '';
          if (result.missed.length)
            sendNote.textContent = `Not heard by ${result.missed.join(', ')}: unreachable right now.`;
        });
      },
    },
    sendTo,
    text,
    h('button', { type: 'submit', 'data-testid': 'say-send' }, 'Send'),
  );

  const openReport = (line: Line) => {
    const category = h(
      'select',
      { 'data-testid': 'report-category', 'aria-label': 'Category' },
      ...CATEGORIES.map(c => h('option', { value: c }, c)),
    );
    const note = h('textarea', {
      'data-testid': 'report-note',
      placeholder: 'What happened (optional)',
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
            class: 'danger',
            'data-testid': 'report-send',
            onclick: () =>
              guarded(result, async () => {
                const receipt = await vat.ask<Receipt>('report', {
                  room: current,
                  ids: [line.id],
                  category: category.value,
                  note: note.value,
                });
                result.textContent = `Sent: ${describeReceipt(receipt)}`;
                await refreshReceipts();
              }),
          },
          'Send report',
        ),
        h('button', { onclick: () => (reportPanel.hidden = true) }, 'Close'),
      ),
      result,
    );
  };

  const lineView = (line: Line) =>
    h(
      'li',
      {
        class: `line${line.mine ? ' mine' : ''}${line.whisperTo ? ' whisper' : ''}${line.hiddenBy ? ' hidden-line' : ''}`,
        'data-testid': 'line',
        'data-name': line.name,
      },
      h('time', {}, time(line.ts)),
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
              class: 'report',
              title: 'Report this line',
              'data-testid': 'report-line',
              onclick: () => openReport(line),
            },
            'Report',
          ),
    );

  const addLine = (line: Line) => {
    messages.appendChild(lineView(line));
    messages.scrollTop = messages.scrollHeight;
  };

  let gone = false;
  const showRoster = (list: Member[]) => {
    members = list;
    if (gone) return show(roster, h('li', { class: 'muted' }, 'You are no longer in this room.'));
    const away = list.filter(m => !m.reachable);
    show(
      roster,
      ...list.map(m =>
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
    const chosen = sendTo.value;
    show(
      sendTo,
      h('option', { value: '' }, 'everyone'),
      ...list.filter(m => !m.self).map(m => h('option', { value: m.name }, `whisper to ${m.name}`)),
    );
    sendTo.value = members.some(m => m.name === chosen) ? chosen : '';
  };

  const describeReceipt = (r: Receipt) =>
    r.error
      ? `not delivered: ${r.error}`
      : `${r.verdict ?? 'sent'}${r.caseId ? `, case ${r.caseId}` : ''}${r.receipt ? `, log entry ${r.receipt.index} of ${r.receipt.size} (root ${r.receipt.root.slice(0, 12)}…)` : ''}`;

  const refreshReceipts = async () => {
    if (!current) return;
    const list = await vat.ask<Receipt[]>('receipts', { room: current });
    show(
      receipts,
      ...(list.length
        ? list.map(r =>
            h(
              'li',
              { 'data-testid': 'receipt' },
              h('time', {}, time(r.at)),
              ` ${r.category} (${r.trigger === 'panic' ? 'you' : r.trigger})`,
              r.accused.length ? ` against ${r.accused.join(', ')}` : '',
              h('br'),
              describeReceipt(r),
            ),
          )
        : [h('li', { class: 'muted' }, 'None yet.')]),
    );
  };

  const removed = (reason: string) => {
    gone = true;
    showRoster(members);
    banner.hidden = false;
    banner.textContent = `You were removed from this room: ${reason}`;
    for (const control of [text, sendTo, sayForm.querySelector('button')!])
      control.setAttribute('disabled', '');
  };

  const choose = async (room: string) => {
    watching?.stop();
    current = room;
    title.textContent = roomName(room);
    gone = false;
    banner.hidden = true;
    reportPanel.hidden = true;
    for (const control of [text, sendTo, sayForm.querySelector('button')!])
      control.removeAttribute('disabled');
    show(messages);
    for (const line of await vat.ask<Line[]>('history', { room, limit: 200 })) addLine(line);
    watching = await vat.watch('room.watch', { room }, event => {
      if (current !== room) return;
      if (event.type === 'message') addLine(event.line);
      else if (event.type === 'roster') showRoster(event.members);
      else if (event.type === 'host')
        hostState.textContent = event.reachable
          ? 'The host is reachable.'
          : 'The host is unreachable: chat goes on; joins and kicks wait.';
      else if (event.type === 'removed') removed(event.reason);
      else if (event.type === 'receipt') void refreshReceipts();
    });
    await refreshReceipts();
    await refreshRooms();
    text.focus();
  };

  const refreshRooms = async () => {
    const rooms = await vat.ask<RoomInfo[]>('rooms');
    show(
      roomList,
      ...rooms.map(r =>
        r.role === 'member'
          ? h(
              'li',
              { class: r.room === current ? 'chosen' : '' },
              h(
                'button',
                { class: 'link', 'data-testid': 'room', onclick: () => void choose(r.room) },
                roomName(r.room),
              ),
              h('span', { class: 'muted' }, ` as ${r.as}${r.removed ? ' (removed)' : ''}`),
            )
          : h(
              'li',
              {},
              h('span', {}, roomName(r.room)),
              h('span', { class: 'muted' }, ' you host it '),
              h(
                'button',
                {
                  class: 'small',
                  title: 'Copy the invite (a secret: give it only to those you invite)',
                  onclick: () => void navigator.clipboard?.writeText(r.invite ?? ''),
                },
                'copy invite',
              ),
            ),
      ),
    );
    if (!rooms.length)
      show(
        roomList,
        h('li', { class: 'muted' }, 'No rooms yet: join one with an invite, or create one.'),
      );
    return rooms;
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
    maxlength: 64,
    'aria-label': 'Room name',
  });
  const formNote = h('p', { class: 'note' });
  const joinForm = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        void guarded(formNote, async () => {
          const joined = await vat.ask<{ room: string }>('room.join', {
            invite: invite.value,
            name: joinName.value,
          });
          invite.value = '';
          await choose(joined.room);
        });
      },
    },
    h('h3', {}, 'Join a room'),
    invite,
    joinName,
    h('button', { type: 'submit' }, 'Join'),
  );
  const createForm = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        void guarded(formNote, async () => {
          const made = await vat.ask<{ invite: string }>('room.create', { name: createName.value });
          createName.value = '';
          await refreshRooms();
          formNote.textContent = `Created. Invite (a secret; share it with those you invite): ${made.invite}`;
        });
      },
    },
    h('h3', {}, 'Host a room'),
    createName,
    h('button', { type: 'submit' }, 'Create'),
  );

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
      h('aside', {}, h('h2', {}, 'Rooms'), roomList, joinForm, createForm, formNote),
      h(
        'section',
        { class: 'room' },
        title,
        hostState,
        banner,
        messages,
        sayForm,
        sendNote,
        reportPanel,
      ),
      h('aside', {}, h('h2', {}, 'In the room'), roster, h('h2', {}, 'Your reports'), receipts),
    ),
  );
  vat.onLost(() => {
    status.textContent = 'Reconnecting to your vat… (is it still running?)';
    status.classList.add('error');
  });
  vat.onBack(() => {
    status.textContent = '';
    status.classList.remove('error');
    // The watch ended with the line; if it drops again, the next onBack retries.
    void (current ? choose(current) : refreshRooms()).catch(() => undefined);
  });
  const rooms = await refreshRooms();
  const first =
    rooms.find(r => r.role === 'member' && !r.removed) ?? rooms.find(r => r.role === 'member');
  if (first) await choose(first.room);
  if (first?.as) document.title = `${first.as} · ${document.title}`;
};

connect().then(start, (error: Error) => {
  document.getElementById('app')!.textContent = error.message;
});
