/**
 * The incident's facts: one spec per fact (flag, question, parser, what is assumed when missing).
 * Parsing is strict: a value out of range or of the wrong form is a usage error (exit 2).
 */
import { RollbookError } from '../errors.js';
import type { FactEntry, FactName, FactSource, IncidentFacts } from '../model/decide.js';

export interface FactSpec {
  name: FactName;
  /** The long flag, without dashes. */
  flag: string;
  /** What the value looks like, for usage and errors. */
  form: string;
  /** The question asked at a terminal. */
  question: string;
  parse: (text: string) => number | boolean | string;
  /** What the decision assumes when the fact is missing. */
  assumption: string;
}

const DECIMAL = /^(\d{1,9})(\.\d{1,6})?$/;

function number(flag: string, min: number, max: number, unit: string): (text: string) => number {
  return (text) => {
    const t = text.trim().replace(/%$/, '');
    if (!DECIMAL.test(t))
      throw new RollbookError(
        'USAGE',
        `--${flag} must be a number of ${unit} from ${min} to ${max}; got "${text}"`,
      );
    const n = Number(t);
    if (n < min || n > max)
      throw new RollbookError('USAGE', `--${flag} must be from ${min} to ${max} ${unit}; got ${n}`);
    return n;
  };
}

function yesNo(flag: string): (text: string) => boolean {
  return (text) => {
    const t = text.trim().toLowerCase();
    if (t === 'yes' || t === 'y') return true;
    if (t === 'no' || t === 'n') return false;
    throw new RollbookError('USAGE', `--${flag} must be yes or no; got "${text}"`);
  };
}

/** A flag key as providers write them (flagd, Unleash, LaunchDarkly): no spaces, no leading dash. */
const FLAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,199}$/;

function behindFlag(text: string): boolean | string {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'yes' || lower === 'y') return true;
  if (lower === 'no' || lower === 'n') return false;
  if (FLAG_NAME.test(t)) return t;
  throw new RollbookError(
    'USAGE',
    `--behind-flag must be yes, no or a flag name (letters, digits, _ . : / -); got "${text}"`,
  );
}

/** The facts, in the order they are asked and listed. */
export const FACT_SPECS: readonly FactSpec[] = [
  {
    name: 'minutesSinceDeploy',
    flag: 'minutes-since-deploy',
    form: 'N',
    question: 'Minutes since the bad version was deployed?',
    parse: number('minutes-since-deploy', 0, 525_600, 'minutes'),
    assumption:
      'time since the deploy unknown: a rollout still in progress is not assumed, and the data at stake is not sized',
  },
  {
    name: 'failingPercent',
    flag: 'failing',
    form: 'PCT',
    question: 'Share of requests or users failing, in percent (0-100)?',
    parse: number('failing', 0, 100, 'percent'),
    assumption: 'share of failing requests unknown: the impact is not assumed low',
  },
  {
    name: 'dataAffected',
    flag: 'data-affected',
    form: 'yes|no',
    question: 'Is money or data being written wrongly (yes/no)?',
    parse: yesNo('data-affected'),
    assumption:
      'assumed no money or data is being written wrongly (say --data-affected yes if it is: every minute then counts)',
  },
  {
    name: 'burnRate',
    flag: 'burn-rate',
    form: 'X',
    question: 'Error-budget burn rate (e.g. 14.4)?',
    parse: number('burn-rate', 0, 100_000, 'times the sustainable rate'),
    assumption: 'error-budget burn rate unknown: not weighed',
  },
  {
    name: 'behindFlag',
    flag: 'behind-flag',
    form: 'yes|no|NAME',
    question: 'Is the failing change behind a flag (yes/no/the flag name)?',
    parse: behindFlag,
    assumption: 'assumed the failing change is not behind a flag',
  },
  {
    name: 'fixReadyMinutes',
    flag: 'fix-ready-minutes',
    form: 'N',
    question: 'Is a fix known? Minutes until it is in production, pipeline included (empty: no fix)?',
    parse: number('fix-ready-minutes', 0, 10_080, 'minutes'),
    assumption: 'no fix known (no --fix-ready-minutes)',
  },
];

/**
 * Parse the given facts (raw text per fact name) into typed facts; `source` says how they were
 * given. Throws a usage error on the first bad value.
 */
export function parseFacts(raw: Partial<Record<FactName, string>>): IncidentFacts {
  const facts: IncidentFacts = {};
  for (const spec of FACT_SPECS) {
    const text = raw[spec.name];
    if (text === undefined) continue;
    (facts as Record<string, unknown>)[spec.name] = spec.parse(text);
  }
  return facts;
}

/** The facts as used: given ones with their source, missing ones as assumptions. */
export function factEntries(
  facts: IncidentFacts,
  sources: Partial<Record<FactName, FactSource>> = {},
): FactEntry[] {
  return FACT_SPECS.map((spec) => {
    const value = facts[spec.name];
    if (value === undefined)
      return { name: spec.name, flag: `--${spec.flag}`, source: 'assumed', assumption: spec.assumption };
    return { name: spec.name, flag: `--${spec.flag}`, value, source: sources[spec.name] ?? 'flag' };
  });
}
