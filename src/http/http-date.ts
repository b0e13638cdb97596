/**
 * `HTTP-date` (RFC 9110 §5.6.7), parsed strictly: the preferred IMF-fixdate and the two obsolete
 * forms a recipient must still accept, nothing else.
 *
 * ```text
 * IMF-fixdate  = day-name "," SP day SP month SP year SP hour ":" minute ":" second SP "GMT"
 * rfc850-date  = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"
 * asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
 * ```
 *
 * "HTTP-date is case sensitive" and every separator is exactly one SP, so `Date.parse`'s
 * leniency (one-digit hours, missing commas, other zones, extra spaces) would read as a date what
 * RFC 9111 §5.3 says to treat as invalid. The day name is checked for form only: it is redundant
 * with the date, and a wrong one does not make the instant ambiguous.
 */

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${DAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

const FIFTY_YEARS_MS = 50 * 365.25 * 24 * 3600 * 1000;

/** The instant an `HTTP-date` names, in ms since the epoch, or undefined when it is not one. */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  // Leading and trailing whitespace is not part of a field value (RFC 9110 §5.5).
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '');
  let m = IMF_FIXDATE.exec(text);
  if (m) return instant(Number(m[3]), m[2]!, m[1]!, m.slice(4, 7));
  m = ASCTIME_DATE.exec(text);
  if (m) return instant(Number(m[6]), m[1]!, m[2]!.trim(), m.slice(3, 6));
  m = RFC850_DATE.exec(text);
  if (m) return rfc850Instant(Number(m[3]), m[2]!, m[1]!, m.slice(4, 7), now);
  return undefined;
}

/**
 * The instant of a field that must be one `HTTP-date` (`Date`, `Expires`, `Last-Modified`,
 * `If-Modified-Since`), given all its field lines: undefined when absent, repeated or invalid.
 * Several lines make a list, which is never a valid `HTTP-date`.
 */
export function singleHttpDate(lines: readonly string[], now = Date.now()): number | undefined {
  return lines.length === 1 ? parseHttpDate(lines[0]!, now) : undefined;
}

/** An instant as an IMF-fixdate, the form senders generate (RFC 9110 §5.6.7). */
export function formatHttpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

/**
 * RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a two-digit
 * year, MUST interpret a timestamp that appears to be more than 50 years in the future as
 * representing the most recent year in the past that had the same last two digits."
 */
function rfc850Instant(yy: number, month: string, day: string, time: string[], now: number): number | undefined {
  const century = Math.floor(new Date(now).getUTCFullYear() / 100) * 100;
  const candidate = instant(century + yy, month, day, time);
  if (candidate === undefined || candidate <= now + FIFTY_YEARS_MS) return candidate;
  return instant(century - 100 + yy, month, day, time);
}

function instant(year: number, monthName: string, dayText: string, time: string[]): number | undefined {
  const month = MONTHS.indexOf(monthName);
  const day = Number(dayText);
  const [hour, minute, second] = time.map(Number) as [number, number, number];
  // Seconds up to 60: the grammar's time-of-day allows a leap second.
  if (hour > 23 || minute > 59 || second > 60 || day < 1 || day > daysIn(year, month)) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysIn(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month + 1, 0);
  return date.getUTCDate();
}
