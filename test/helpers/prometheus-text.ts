// A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be
// a HELP, a TYPE, a sample of a declared family, or blank; anything else throws with the line.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// Values are what Go's strconv.ParseFloat reads, as Prometheus does: NaN and Inf in any case
// (prom-client writes `Nan`).
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?)|[nN][aA][nN]|[+-]?[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}=${LABEL_VALUE})(?:,${LABEL}=${LABEL_VALUE})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const LABEL_PAIR = new RegExp(`(${LABEL})=(${LABEL_VALUE})`, 'g');

/** Parses `text`; throws on the first line that is not valid exposition format. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    let m: RegExpExecArray | null;
    if ((m = HELP_LINE.exec(line))) {
      if (helps.has(m[1]!)) throw new Error(`second HELP for ${m[1]} at ${where}`);
      helps.set(m[1]!, m[2]!);
      return;
    }
    if ((m = TYPE_LINE.exec(line))) {
      if (families.has(m[1]!)) throw new Error(`second TYPE for ${m[1]} at ${where}`);
      families.set(m[1]!, { name: m[1]!, type: m[2] as Family['type'], help: helps.get(m[1]!) ?? '', samples: [] });
      return;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment at ${where}`);
    if (!(m = SAMPLE_LINE.exec(line))) throw new Error(`not a sample at ${where}`);
    const name = m[1]!;
    const family = familyOf(families, name);
    if (!family) throw new Error(`sample of an undeclared family at ${where}`);
    const labels: Record<string, string> = {};
    for (const [, label, quoted] of (m[2] ?? '').matchAll(LABEL_PAIR)) {
      if (label! in labels) throw new Error(`label ${label} twice at ${where}`);
      labels[label!] = JSON.parse(quoted!) as string; // the same three escapes as JSON's
    }
    family.samples.push({ name, labels, value: parseValue(m[3]!) });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; throws if not one. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = familyOf(families, name);
  const matching = (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value;
}

function familyOf(families: Map<string, Family>, name: string): Family | undefined {
  const exact = families.get(name);
  if (exact) return exact;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m ? families.get(m[1]!) : undefined;
  return base && (base.type === 'histogram' || base.type === 'summary') ? base : undefined;
}

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (/^[+]?inf/.test(lower)) return Infinity;
  if (lower.startsWith('-inf')) return -Infinity;
  return Number(text);
}

// Buckets cumulative and ending in +Inf, which equals _count, per label set.
function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(rest);
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (s.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      group.buckets.push([parseValue(le), s.value]);
    } else if (s.name === `${family.name}_count`) group.count = s.value;
  }
  for (const [key, { buckets, count }] of groups) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]![0] > buckets[i - 1]![0]) || buckets[i]![1] < buckets[i - 1]![1]) {
        throw new Error(`${family.name}${key}: buckets not increasing and cumulative`);
      }
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Infinity || last[1] !== count) throw new Error(`${family.name}${key}: +Inf bucket missing or not equal to _count`);
  }
}
