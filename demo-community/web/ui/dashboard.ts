// demo-community/web/ui/dashboard.ts: the auditor dashboard, served by the
// vat that holds an auditor capability and acting only through it. The queue
// by priority on the left; the chosen case in the middle (each report
// verified again from the log when the case opens, a mark per line, gathered
// context, notes, and the sanctions the role allows, each with a statement of
// reasons); the audit log and its signed checkpoint on the right.
import { connect, type Connection } from './connection.js';
import { decisionPhrase } from '../../daemon/desk-words.js';
import { guarded, h, said, show, short, stamp, time } from './dom.js';

interface CaseSummary {
  caseId: string;
  room: string;
  accused: string[];
  accusedNames: string[];
  priority: number;
  status: Status;
  reports: number;
  actions: number;
}
type Status = 'open' | 'acted' | 'dismissed';
interface Decision {
  action: string;
  target?: string;
  auditor: string;
  reason: string;
  durationMs: number;
  entry: number;
  ts: number;
}
interface CaseReport {
  reportId: string;
  reporter: string;
  verdict: string;
  category: string;
  entry: number;
}
interface Case {
  caseId: string;
  room: string;
  accused: string[];
  reports: CaseReport[];
  status: Status;
  actions: Decision[];
  notes: Array<{ note: string; auditor: string; entry: number }>;
  names: Record<string, string>;
}
interface Item {
  position: number;
  author?: string;
  ts?: number;
  ok: boolean;
  disclosed: boolean;
  text?: string;
  flagged?: boolean;
  to?: string;
}
interface Check {
  reportId: string;
  entry: number;
  verdict: string;
  rejected?: string;
  problems: Array<{ code: string; detail: string }>;
  findings: Array<{ code: string; detail: string }>;
  items: Item[];
  category?: string;
  note?: string;
  trigger?: { kind: string; rule?: string };
  reporter?: string;
  names: Record<string, string>;
}
interface Gathered {
  gathered: Array<{
    author: string;
    witness: string;
    lines: Array<{ seq: number; ts: number; text: string }>;
  }>;
  missing: Array<{ author: string; fromSeq: number; toSeq: number }>;
}
interface LogEntry {
  index: number;
  kind: string;
  body: string;
  createdAt: number;
}
/** The fields of log entry bodies the page reads (docs/protocol.md §6). */
interface LogBody {
  label?: string;
  role?: string;
  caseId?: string;
  reason?: string;
  note?: string;
  reporter?: string;
  accused?: string[];
  category?: string;
  verdict?: string;
  author?: string;
  witness?: string;
  room?: string;
  signed?: { action: string };
}
interface Preview {
  said: string;
  action: Record<string, unknown>;
}

const SANCTIONS = ['kick', 'mute', 'ban', 'unmute', 'unban'];
const STATUS_WORDS: Record<Status, string> = {
  open: 'open',
  acted: 'acted on',
  dismissed: 'dismissed',
};
const statusTag = (status: Status) =>
  h(
    'span',
    { class: `tag status ${status}`, 'data-testid': 'case-status', 'data-status': status },
    STATUS_WORDS[status],
  );

const roomName = (room: string) => room.split('~')[0]!;

const start = async (vat: Connection) => {
  const app = document.getElementById('app')!;
  const who = await vat.ask<{ label: string; role: 'triage' | 'act' | 'admin' }>('whoami');
  const names: Record<string, string> = {};
  const nameOf = (vatId: string) => names[vatId] ?? short(vatId);
  const queue = h('ul', { class: 'queue', 'data-testid': 'queue' });
  const casePane = h(
    'section',
    { class: 'case', 'data-testid': 'case' },
    h('p', { class: 'muted' }, 'Choose a case from the queue.'),
  );
  const checkpoint = h('p', { class: 'checkpoint', 'data-testid': 'checkpoint' });
  const logCheck = h('p', { class: 'note', 'data-testid': 'log-verdict' });
  const logList = h('ol', { class: 'log', 'data-testid': 'log' });
  const status = h('p', { class: 'status' });
  let chosen: string | undefined;
  /** The newest openCase: one overtaken while it fetched draws nothing. */
  let opening = 0;

  const refreshQueue = async () => {
    const cases = await vat.ask<CaseSummary[]>('list');
    Object.assign(names, await vat.ask<Record<string, string>>('names'));
    // The queue is drawn anew when a report arrives: a keyboard user's focus stays on their case.
    const focused = queue.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.case
      : undefined;
    show(
      queue,
      ...(cases.length
        ? cases.map(c =>
            h(
              'li',
              { class: c.caseId === chosen ? 'chosen' : '' },
              h(
                'button',
                {
                  class: 'link',
                  'data-testid': 'case-item',
                  'data-case': c.caseId,
                  onclick: () => void openCase(c.caseId),
                },
                h(
                  'span',
                  { class: 'priority', title: 'distinct members reporting' },
                  String(c.priority),
                ),
                ` ${c.accusedNames.join(', ') || '(nobody named)'} in ${roomName(c.room)} `,
                statusTag(c.status),
              ),
              h(
                'span',
                { class: 'muted' },
                ` ${c.reports} report${c.reports === 1 ? '' : 's'}${c.actions ? `, ${c.actions} action${c.actions === 1 ? '' : 's'}` : ''}`,
              ),
            ),
          )
        : [h('li', { class: 'muted' }, 'No reports yet.')]),
    );
    if (focused) queue.querySelector<HTMLElement>(`[data-case="${CSS.escape(focused)}"]`)?.focus();
  };

  const refreshLog = async () => {
    const cp = await vat.ask<{ size: number; root: string; ts: number; operator: string }>(
      'checkpoint',
    );
    show(
      checkpoint,
      `Log of ${cp.size} entries, root ${cp.root.slice(0, 16)}…, signed by operator ${short(cp.operator)} at ${time(cp.ts)}`,
    );
    const entries = await vat.ask<LogEntry[]>('log', {
      from: Math.max(0, cp.size - 30),
      count: 30,
    });
    show(
      logList,
      ...entries
        .reverse()
        .map(e =>
          h(
            'li',
            { value: e.index, 'data-testid': 'log-entry', 'data-kind': e.kind },
            h('b', {}, e.kind),
            ` ${logWords(e.kind, JSON.parse(e.body))} `,
            stamp(e.createdAt),
          ),
        ),
    );
  };

  /** A log entry in words: who did what to whom. */
  const logWords = (kind: string, body: LogBody): string => {
    switch (kind) {
      case 'action': {
        const a = JSON.parse(body.signed!.action) as Decision & { caseId: string };
        return `${body.label} ${decisionPhrase(a.action, nameOf(a.target ?? ''), a.durationMs)} — ${a.reason} (case ${a.caseId})`;
      }
      case 'dismiss':
        return `${body.label} closed case ${body.caseId} without action — ${body.reason}`;
      case 'report':
        return `${nameOf(body.reporter ?? '')} reported ${(body.accused ?? []).map(nameOf).join(', ') || 'nobody'} (${body.category}); the signatures: ${body.verdict}`;
      case 'context':
        return body.note
          ? `${body.label} noted on case ${body.caseId}: ${body.note}`
          : `${body.label} gathered ${nameOf(body.author ?? '')}'s lines from ${nameOf(body.witness ?? '')} for case ${body.caseId}`;
      case 'ruleset':
        return `${body.label} set the rules of ${roomName(body.room ?? '')}`;
      case 'auditor-granted':
        return `auditor ${body.label} was granted ${body.role}`;
      case 'auditor-revoked':
        return `auditor ${body.label} was revoked`;
      default:
        return '';
    }
  };

  const evidence = (check: Check) =>
    h(
      'div',
      { class: 'evidence', 'data-testid': 'evidence', 'data-verdict': check.verdict },
      h(
        'p',
        {},
        h('span', { class: `verdict ${check.verdict}`, 'data-testid': 'verdict' }, check.verdict),
        check.rejected ? ` ${check.rejected}` : '',
        ` · log entry ${check.entry}`,
      ),
      check.note ? h('blockquote', {}, check.note) : null,
      h(
        'ol',
        { class: 'items' },
        ...check.items.map(item =>
          h(
            'li',
            {
              class: `${item.ok ? 'ok' : 'bad'}${item.flagged ? ' flagged' : ''}`,
              'data-testid': 'item',
              'data-ok': String(item.ok),
            },
            h(
              'span',
              {
                class: 'mark',
                title: item.ok
                  ? 'signature, room, roster and content check out'
                  : 'failed a check (see problems)',
              },
              item.ok ? '✓' : '✗',
            ),
            item.ts ? stamp(item.ts) : null,
            h('b', {}, item.author ? nameOf(item.author) : '?'),
            item.to
              ? h(
                  'span',
                  { class: 'tag private', 'data-testid': 'private' },
                  `private: whisper to ${nameOf(item.to)}`,
                )
              : null,
            item.disclosed
              ? h('span', { class: 'text' }, item.text ?? '')
              : h('span', { class: 'muted' }, 'withheld by the reporter (a bystander’s line)'),
            item.flagged ? h('span', { class: 'tag warn' }, 'reported') : null,
          ),
        ),
      ),
      check.problems.length
        ? h(
            'ul',
            { class: 'problems', 'data-testid': 'problems' },
            ...check.problems.map(p => h('li', {}, h('b', {}, p.code), ` ${p.detail}`)),
          )
        : h('p', { class: 'muted' }, 'No problems found.'),
      check.findings.length
        ? h(
            'ul',
            { class: 'findings', 'data-testid': 'findings' },
            ...check.findings.map(f => h('li', {}, h('b', {}, f.code), ` ${f.detail}`)),
          )
        : null,
    );

  /** Sanctions and their lifting: checked and shown in words and in full before the auditor's vat signs. */
  const actionForm = (c: Case, done?: string) => {
    const action = h(
      'select',
      { 'data-testid': 'action', 'aria-label': 'Action' },
      ...SANCTIONS.map(a => h('option', { value: a }, a)),
    );
    const target = h(
      'select',
      { 'data-testid': 'target', 'aria-label': 'Whom' },
      ...c.accused.map(v => h('option', { value: v }, nameOf(v))),
    );
    const duration = h('input', {
      type: 'text',
      value: '0',
      'data-testid': 'duration',
      'aria-label': 'How long, for a mute or ban: 10m, 2h, 3d; 0 for no end',
      placeholder: '10m, 2h, 3d; 0: no end',
      maxlength: 20,
    });
    const reason = h('textarea', {
      'data-testid': 'reason',
      rows: 2,
      maxlength: 2000,
      'aria-label': 'Statement of reasons',
      placeholder: 'Statement of reasons (required; logged and shown to the room)',
    });
    const confirm = h('div', { class: 'confirm', 'data-testid': 'confirm', hidden: true });
    const result = h('p', { class: 'note', 'data-testid': 'act-result' });
    if (done) said(result, done);
    const request = () => ({
      caseId: c.caseId,
      action: action.value,
      target: target.value,
      reason: reason.value,
      duration: duration.value,
    });
    const apply = (asked: ReturnType<typeof request>) =>
      guarded(result, async () => {
        confirm.hidden = true;
        const receipt = await vat.ask<{ index: number }>('act', asked);
        // The case is shown again (its status, its decisions): the new form says what was done.
        await openCase(c.caseId, {
          act: `Signed by your vat and logged as entry ${receipt.index}; the room applies it with that receipt and shows it to its members.`,
        });
      });
    return h(
      'form',
      {
        class: 'act',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void guarded(result, async () => {
            const asked = request();
            const preview = await vat.ask<Preview>('act.preview', asked);
            show(
              confirm,
              h('p', {}, h('b', {}, 'You are about to sign: '), preview.said),
              h('pre', { 'data-testid': 'confirm-json' }, JSON.stringify(preview.action, null, 2)),
              h(
                'div',
                { class: 'buttons' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    'data-testid': 'act-confirm',
                    onclick: () => void apply(asked),
                  },
                  'Sign and apply',
                ),
                h('button', { type: 'button', onclick: () => (confirm.hidden = true) }, 'Cancel'),
              ),
            );
            confirm.hidden = false;
            confirm.querySelector<HTMLButtonElement>('[data-testid=act-confirm]')!.focus();
          });
        },
      },
      h('h3', {}, 'Act'),
      action,
      target,
      h(
        'label',
        { class: 'muted' },
        'How long, for a mute or ban (10m, 2h, 3d; 0: no end) ',
        duration,
      ),
      reason,
      h('button', { type: 'submit', 'data-testid': 'act-send' }, 'Review…'),
      confirm,
      result,
    );
  };

  /** Closes the case without a sanction; the reason is logged and the reporters are told. */
  const dismissForm = (c: Case, done?: string) => {
    const reason = h('textarea', {
      'data-testid': 'dismiss-reason',
      rows: 2,
      maxlength: 2000,
      'aria-label': 'Why no action is needed',
      placeholder: 'Why no action is needed (required; logged and told to the reporters)',
    });
    const result = h('p', { class: 'note', 'data-testid': 'dismiss-result' });
    if (done) said(result, done);
    return h(
      'form',
      {
        class: 'dismiss',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void guarded(result, async () => {
            const receipt = await vat.ask<{ index: number }>('dismiss', {
              caseId: c.caseId,
              reason: reason.value,
            });
            await openCase(c.caseId, {
              dismiss: `Dismissed; logged as entry ${receipt.index}. The reporters are told.`,
            });
          });
        },
      },
      h('h3', {}, 'Dismiss'),
      reason,
      h('button', { type: 'submit', 'data-testid': 'dismiss-send' }, 'Dismiss the case'),
      result,
    );
  };

  /** Shows a case; `done` is what the act or dismiss form just did, said again in the new form. */
  const openCase = async (caseId: string, done: { act?: string; dismiss?: string } = {}) => {
    opening += 1;
    const ticket = opening;
    chosen = caseId;
    // Until the case is back the shown forms take no input: what was typed
    // into them would go with the old drawing.
    const controls = casePane.querySelectorAll<HTMLInputElement>('input, textarea, select, button');
    for (const control of controls) control.disabled = true;
    let c: Case;
    let checks: Check[];
    try {
      c = await vat.ask<Case>('show', { caseId });
      checks = await Promise.all(
        c.reports.map(r => vat.ask<Check>('verify', { reportId: r.reportId })),
      );
    } catch (error) {
      if (ticket === opening) for (const control of controls) control.disabled = false;
      throw error;
    }
    // A later openCase (another click, an act's or dismissal's new status) draws instead.
    if (ticket !== opening) return;
    Object.assign(names, c.names);
    for (const check of checks) Object.assign(names, check.names);
    const gatherOut = h('div', { 'data-testid': 'gathered' });
    const noteText = h('textarea', {
      rows: 2,
      maxlength: 4000,
      placeholder: 'A note for other auditors (logged)',
    });
    const noteOut = h('p', { class: 'note' });
    show(
      casePane,
      h('h2', {}, `Case ${c.caseId} `, statusTag(c.status)),
      h('p', {}, `Room ${roomName(c.room)} · accused: ${c.accused.map(nameOf).join(', ')}`),
      ...c.reports.map((r, i) =>
        h(
          'article',
          { class: 'report' },
          h(
            'h3',
            {},
            `Report by ${nameOf(r.reporter)}: ${r.category}`,
            checks[i]!.trigger?.kind === 'filter'
              ? h('span', { class: 'tag' }, `filter rule ${checks[i]!.trigger!.rule}`)
              : h('span', { class: 'tag' }, 'panic button'),
          ),
          evidence(checks[i]!),
        ),
      ),
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          {
            'data-testid': 'gather',
            onclick: () =>
              guarded(gatherOut, async () => {
                const got = await vat.ask<Gathered>('gather', { caseId });
                show(
                  gatherOut,
                  h('h3', {}, 'Gathered context'),
                  ...(got.gathered.length
                    ? got.gathered.map(g =>
                        h(
                          'div',
                          {},
                          h(
                            'p',
                            { class: 'muted' },
                            `${nameOf(g.author)}'s lines, from ${nameOf(g.witness)}'s window:`,
                          ),
                          h('ol', {}, ...g.lines.map(l => h('li', {}, stamp(l.ts), l.text))),
                        ),
                      )
                    : [
                        h(
                          'p',
                          { class: 'muted' },
                          'Nothing was missing, or no other member could fill it.',
                        ),
                      ]),
                  ...got.missing.map(m =>
                    h(
                      'p',
                      { class: 'note' },
                      `Still missing: ${nameOf(m.author)} lines ${m.fromSeq}–${m.toSeq}`,
                    ),
                  ),
                );
                await refreshLog();
              }),
          },
          'Gather context from other members',
        ),
      ),
      gatherOut,
      c.actions.length
        ? h(
            'ul',
            { 'data-testid': 'actions-taken' },
            ...c.actions.map(a =>
              h(
                'li',
                {},
                stamp(a.ts),
                ` ${a.auditor} ${decisionPhrase(a.action, nameOf(a.target ?? ''), a.durationMs)} — ${a.reason}`,
              ),
            ),
          )
        : null,
      c.notes.length
        ? h('ul', {}, ...c.notes.map(n => h('li', {}, `${n.auditor}: ${n.note}`)))
        : null,
      h(
        'form',
        {
          onsubmit: (event: Event) => {
            event.preventDefault();
            void guarded(noteOut, async () => {
              const receipt = await vat.ask<{ index: number }>('annotate', {
                caseId,
                note: noteText.value,
              });
              noteText.value = '';
              said(noteOut, `Note logged as entry ${receipt.index}.`);
              await refreshLog();
            });
          },
        },
        noteText,
        h('button', { type: 'submit' }, 'Add note'),
        noteOut,
      ),
      who.role === 'triage'
        ? h('p', { class: 'muted' }, 'Your capability is triage: it cannot act or dismiss.')
        : h('div', { class: 'decide' }, actionForm(c, done.act), dismissForm(c, done.dismiss)),
    );
    await refreshQueue();
  };

  show(
    app,
    h(
      'header',
      {},
      h('h1', {}, 'Stoa moderation'),
      h('span', { class: 'muted', 'data-testid': 'whoami' }, `auditor ${who.label} (${who.role})`),
      status,
    ),
    h(
      'main',
      { class: 'layout' },
      h(
        'aside',
        {},
        h('h2', {}, 'Queue'),
        h(
          'p',
          { class: 'muted' },
          'Open cases first, then by priority: distinct members reporting.',
        ),
        queue,
      ),
      casePane,
      h(
        'aside',
        {},
        h('h2', {}, 'Audit log'),
        checkpoint,
        h(
          'button',
          {
            'data-testid': 'verify-log',
            onclick: () =>
              guarded(
                logCheck,
                async () =>
                  (logCheck.textContent = (await vat.ask<{ said: string }>('log.verify')).said),
              ),
          },
          'Verify log',
        ),
        logCheck,
        logList,
      ),
    ),
  );
  vat.onLost(() => {
    status.textContent = 'Reconnecting to the auditor vat… (is it still running?)';
    status.classList.add('error');
  });
  const refresh = () => void Promise.all([refreshQueue(), refreshLog()]).catch(() => undefined);
  // The auditor's vat is told when the log grows (a new report, another auditor's decision).
  const watchLog = () => vat.watch('log.watch', {}, refresh);
  vat.onBack(() => {
    status.textContent = '';
    status.classList.remove('error');
    refresh();
    void watchLog().catch(() => undefined); // the watch ended with the line
  });
  await Promise.all([refreshQueue(), refreshLog()]);
  await watchLog();
};

connect().then(start, (error: Error) => {
  document.getElementById('app')!.textContent = error.message;
});
