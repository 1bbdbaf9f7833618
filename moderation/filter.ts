// moderation/filter.ts: the local filter each member's vat applies to what it
// receives, from the room's ruleset (signed room state, so a report can name
// the version that fired). Rules match keyword lists (whole word, substring
// or exact line), a length-capped regex run under a time limit, or the
// `obscenity` category preset with a severity dial; a per-room allow list is
// taken out of the text first. Each rule has an action: `warn` (show, marked),
// `hide`, `hold` (keep aside for the user), `auto-report` (hide and report).
// The strongest action of all rules that match wins.
import vm from 'node:vm';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

export type FilterAction = 'warn' | 'hide' | 'hold' | 'auto-report';
const STRENGTH: Record<FilterAction, number> = { warn: 1, hide: 2, hold: 3, 'auto-report': 4 };

export interface Rule {
  id: string;
  action: FilterAction;
  /** Report category for auto-report (default: the rule id). */
  category?: string;
  keywords?: string[];
  mode?: 'word' | 'substring' | 'exact';
  /** At most 200 characters; evaluated with a time limit. */
  regex?: string;
  /** A category preset: `obscenity` (English profanity, from the obscenity package). */
  preset?: 'obscenity';
  /** `strict` also catches obfuscations (f*ck, fuuuck); `mild` matches plain words only. */
  severity?: 'mild' | 'strict';
}

export interface Ruleset {
  allow?: string[];
  rules: Rule[];
}

export interface FilterHit {
  rule: string;
  action: FilterAction;
  category: string;
}

export const FILTER_LIMITS = harden({
  maxRules: 64,
  maxKeywords: 500,
  maxRegexChars: 200,
  regexTimeoutMs: 20,
});

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One context for every regex: a fresh one per test would cost a millisecond.
const regexContext = vm.createContext({});
const regexTest = new vm.Script('new RegExp(pattern, "iu").test(text)');

/** Checks a ruleset's form; throws `[bad-ruleset]` saying what is wrong. */
export const checkRuleset = (ruleset: unknown): Ruleset => {
  const bad = (why: string): never => {
    throw Error(`[bad-ruleset] ${why}`);
  };
  const r = ruleset as Ruleset;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.rules))
    bad('a ruleset is { rules: [...], allow?: [...] }');
  if (r.rules.length > FILTER_LIMITS.maxRules) bad(`at most ${FILTER_LIMITS.maxRules} rules`);
  const strings = (list: unknown) => Array.isArray(list) && list.every(x => typeof x === 'string');
  if (r.allow !== undefined && !strings(r.allow))
    bad('allow is a list of words and phrases (strings)');
  for (const rule of r.rules) {
    if (typeof rule?.id !== 'string' || !rule.id) bad('every rule needs an id');
    if (!Object.hasOwn(STRENGTH, rule.action))
      bad(`rule ${JSON.stringify(rule.id)}: action is warn, hide, hold or auto-report`);
    if (!rule.keywords && !rule.regex && !rule.preset)
      bad(`rule ${JSON.stringify(rule.id)} matches nothing (keywords, regex or preset)`);
    if (
      rule.keywords &&
      (!strings(rule.keywords) || rule.keywords.length > FILTER_LIMITS.maxKeywords)
    )
      bad(
        `rule ${JSON.stringify(rule.id)}: keywords are at most ${FILTER_LIMITS.maxKeywords} strings`,
      );
    if (rule.regex !== undefined) {
      if (typeof rule.regex !== 'string' || rule.regex.length > FILTER_LIMITS.maxRegexChars)
        bad(
          `rule ${JSON.stringify(rule.id)}: a regex is at most ${FILTER_LIMITS.maxRegexChars} characters`,
        );
      try {
        new RegExp(rule.regex, 'iu');
      } catch {
        bad(`rule ${JSON.stringify(rule.id)}: the regex does not compile`);
      }
    }
    if (rule.preset !== undefined && rule.preset !== 'obscenity')
      bad(`rule ${JSON.stringify(rule.id)}: the only preset is obscenity`);
  }
  return r;
};
harden(checkRuleset);

export interface Filter {
  /** The strongest hit for `text`, if any rule matches. */
  check(text: string): FilterHit | undefined;
  /** Regex evaluations cut off by the time limit. */
  timeouts(): number;
}

export const makeFilter = (ruleset: Ruleset): Filter => {
  checkRuleset(ruleset);
  const allow = (ruleset.allow ?? [])
    .filter(a => a.trim())
    .map(a => new RegExp(escapeRegex(a), 'giu'));
  let timeouts = 0;
  const matchers = ruleset.rules.map(rule => {
    const tests: Array<(text: string) => boolean> = [];
    if (rule.keywords?.length) {
      const words = rule.keywords.map(escapeRegex).join('|');
      const mode = rule.mode ?? 'word';
      const re = new RegExp(
        mode === 'exact'
          ? `^(?:${words})$`
          : mode === 'word'
            ? `(?<![\\p{L}\\p{N}])(?:${words})(?![\\p{L}\\p{N}])`
            : `(?:${words})`,
        'iu',
      );
      tests.push(text => re.test(mode === 'exact' ? text.trim() : text));
    }
    if (rule.regex) {
      const pattern = rule.regex;
      tests.push(text => {
        try {
          return (
            regexTest.runInContext(Object.assign(regexContext, { pattern, text }), {
              timeout: FILTER_LIMITS.regexTimeoutMs,
            }) === true
          );
        } catch {
          timeouts += 1;
          return false;
        }
      });
    }
    if (rule.preset === 'obscenity') {
      const matcher = new RegExpMatcher({
        ...englishDataset.build(),
        ...(rule.severity === 'mild' ? {} : englishRecommendedTransformers),
      });
      tests.push(text => matcher.hasMatch(text));
    }
    return { rule, matches: (text: string) => tests.some(t => t(text)) };
  });
  return harden({
    check(text: string) {
      const cleaned = allow.reduce((t, re) => t.replace(re, ' '), text);
      let best: FilterHit | undefined;
      for (const { rule, matches } of matchers) {
        if ((!best || STRENGTH[rule.action] > STRENGTH[best.action]) && matches(cleaned)) {
          best = { rule: rule.id, action: rule.action, category: rule.category ?? rule.id };
        }
      }
      return best && harden(best);
    },
    timeouts: () => timeouts,
  });
};
harden(makeFilter);
