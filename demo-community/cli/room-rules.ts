// `stoa room rules ROOM`: shows or edits the ruleset of a room the running vat
// hosts. An edit is worked out here from the current ruleset and checked
// before it is sent, so bad input changes nothing; the vat sets it the logged
// way (room-desk.ts: through the moderation service's log when the room has
// one, else signed into the room's state by the host).
import { readFileSync } from 'node:fs';
import { checkRuleset, type Rule, type Ruleset } from '../../moderation/index.js';
import { askVat } from '../daemon/console-client.js';
import { dataDirOf, parseOptions, type Command } from './command.js';
import { terminalJson } from './terminal-text.js';

const UNCHANGED = "the room's ruleset is unchanged";

/** The ruleset in FILE (or stdin for `-`), or a `[bad-ruleset]` saying why not. */
const readRuleset = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw Error(
      `[bad-ruleset] cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; ${UNCHANGED}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Error(
      `[bad-ruleset] ${file} is not JSON (${(error as Error).message}); fix it and run again: ${UNCHANGED}`,
    );
  }
};

type Flags = Partial<
  Record<
    'rule' | 'action' | 'keywords' | 'mode' | 'regex' | 'preset' | 'category' | 'remove' | 'set',
    string
  >
>;
const RULE_FIELDS = ['action', 'keywords', 'mode', 'regex', 'preset', 'category'] as const;

/** The rule --rule ID and its fields describe. */
const ruleOf = (flags: Flags): Rule => {
  if (!flags.action)
    throw Error('[usage] --rule ID needs --action warn, hide, hold or auto-report');
  const keywords = flags.keywords
    ?.split(',')
    .map(k => k.trim())
    .filter(Boolean);
  return {
    id: flags.rule!,
    action: flags.action as Rule['action'],
    ...(keywords ? { keywords } : {}),
    ...(flags.mode ? { mode: flags.mode as Rule['mode'] } : {}),
    ...(flags.regex ? { regex: flags.regex } : {}),
    ...(flags.preset ? { preset: flags.preset as Rule['preset'] } : {}),
    ...(flags.category ? { category: flags.category } : {}),
  };
};

/** The new ruleset an edit makes of `current`. */
const edited = (current: Partial<Ruleset>, flags: Flags, room: string): unknown => {
  if (flags.set !== undefined) return readRuleset(flags.set);
  const rules = Array.isArray(current.rules) ? current.rules : [];
  if (flags.remove !== undefined) {
    if (!rules.some(r => r.id === flags.remove))
      throw Error(
        `[unknown-rule] room ${JSON.stringify(room.split('~')[0])} has no rule ${JSON.stringify(flags.remove)} (its rules: ${rules.map(r => JSON.stringify(r.id)).join(', ') || 'none'}); ${UNCHANGED}`,
      );
    return { ...current, rules: rules.filter(r => r.id !== flags.remove) };
  }
  const rule = ruleOf(flags);
  const at = rules.findIndex(r => r.id === rule.id);
  return {
    ...current,
    rules: at < 0 ? [...rules, rule] : rules.map((r, i) => (i === at ? rule : r)),
  };
};

export const roomRulesCommand: Command = {
  usage:
    'ROOM [--rule ID --action warn|hide|hold|auto-report (--keywords W,W… [--mode word|substring|exact] | --regex RE | --preset obscenity) [--category C]] [--remove ID] [--set FILE|-] [--data DIR]',
  summary:
    'Shows the ruleset of ROOM (a room the running vat hosts) as JSON; with a flag, changes it first:\n' +
    '      --rule ID … adds the rule ID or replaces it (keywords are comma-separated; for others use --set), --remove ID drops it,\n' +
    "      --set FILE replaces the whole ruleset with FILE's JSON (- reads stdin; the format is docs/protocol.md §9.1).\n" +
    '      A room with a moderation service has the service log the change before the room applies it (logEntry: its log entry);\n' +
    "      without one, the host signs it into the room's state. Members' vats apply the new rules to the lines they receive.\n" +
    '      Bad input changes nothing.',
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      {
        data: { type: 'string' },
        set: { type: 'string' },
        remove: { type: 'string' },
        rule: { type: 'string' },
        ...Object.fromEntries(RULE_FIELDS.map(f => [f, { type: 'string' } as const])),
      },
      true,
    );
    const flags = values as Flags;
    const [room] = positionals;
    if (!room) throw Error('[usage] needs a room this vat hosts (see stoa rooms)');
    const edits = (['set', 'remove', 'rule'] as const).filter(f => flags[f] !== undefined);
    if (edits.length > 1)
      throw Error(`[usage] one change at a time: --${edits.join(' and --')} were given together`);
    const fields = RULE_FIELDS.filter(f => flags[f] !== undefined);
    if (fields.length && flags.rule === undefined)
      throw Error(`[usage] --${fields[0]} describes a rule: name it with --rule ID`);
    const dataDir = dataDirOf(values.data);
    const current = (await askVat(dataDir, 'room.rules', { room })) as {
      room: string;
      ruleset: Partial<Ruleset>;
    };
    if (edits.length === 0) {
      console.log(terminalJson(current, 2));
      return 0;
    }
    const ruleset = edited(current.ruleset, flags, current.room);
    try {
      checkRuleset(ruleset);
    } catch (error) {
      throw Error(`${(error as Error).message}; ${UNCHANGED} (the format: stoa room rules --help)`);
    }
    console.log(terminalJson(await askVat(dataDir, 'room.rules', { room, ruleset }), 2));
    return 0;
  },
};
