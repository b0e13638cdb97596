import { normalizedFieldValue } from './vary-values.js';

// RFC 9111 §4.1: values that "can be transformed" into each other select the same response;
// values that could mean something different to a backend must not.

describe('normalizedFieldValue (RFC 9111 §4.1)', () => {
  it.each<[string, string, string | string[], string | string[]]>([
    ['accept-language', 'case (RFC 9110 §8.5.1)', 'EN-US', 'en-us'],
    ['accept-language', 'whitespace around items and weights', ' en-US ,de ;\tq=0.5 ', 'en-US, de;q=0.5'],
    ['accept-language', 'an explicit q=1', 'en;q=1, de;q=1.000', 'en, de'],
    ['accept-language', 'the spelling of a weight', 'de;q=0.50', 'de;q=0.5'],
    ['accept-language', 'the Q of q', 'de;Q=0.5', 'de;q=0.5'],
    ['accept-language', 'order between different weights', 'de;q=0.5, en', 'en, de;q=0.5'],
    ['accept-language', 'several field lines', ['en', 'de;q=0.5'], 'en,de;q=0.5'],
    ['accept-language', 'an exact repeat', 'en, de;q=0.5, en', 'en, de;q=0.5'],
    ['accept-language', 'empty list elements (RFC 9110 §5.6.1)', 'en,,de;q=0.5,', 'en, de;q=0.5'],
    ['accept-language', 'a wildcard weight', '*;q=0.1, fr', 'fr,*;q=0.1'],
    ['accept-encoding', 'case of codings (RFC 9110 §8.4.1)', 'GZIP, Br', 'gzip, br'],
    ['accept-encoding', 'q=0 spelled twice', 'identity;q=0.000', 'identity;q=0'],
    ['accept', 'case of type and subtype', 'Text/HTML', 'text/html'],
    ['accept', 'whitespace around parameters', 'text/html ; level=1', 'text/html;level=1'],
    ['accept', 'case of parameter names', 'text/html;Level=1', 'text/html;level=1'],
    ['accept', 'a quoted token parameter (RFC 9110 §5.6.6)', 'text/html;level="1"', 'text/html;level=1'],
    ['accept', 'case of charset values (RFC 9110 §8.3.2)', 'text/plain;charset=UTF-8', 'text/plain;charset=utf-8'],
    ['accept', 'a comma inside a quoted parameter does not split', 'a/b;x="1,2", c/d', 'a/b;x="1,2",c/d'],
  ])('%s: equivalent when only %s differs', (name, _why, a, b) => {
    expect(normalizedFieldValue(name, a)).toBe(normalizedFieldValue(name, b));
  });

  it.each<[string, string, string | undefined, string | undefined]>([
    ['accept-encoding', 'q=0 is "not acceptable"', 'gzip;q=0', 'gzip'],
    ['accept-encoding', 'different weights', 'gzip;q=0.5', 'gzip;q=0.6'],
    ['accept-encoding', 'absent is not empty', undefined, ''],
    ['accept-encoding', 'different codings', 'gzip', 'br'],
    // negotiator (Express) and Django break ties by position.
    ['accept-encoding', 'the order of equally weighted items', 'gzip, br', 'br, gzip'],
    ['accept-language', 'the order of equally weighted items', 'fr, en', 'en, fr'],
    ['accept-language', 'a tag and its prefix', 'en-us', 'en'],
    ['accept-language', 'one value at two weights is left as sent', 'en;q=0.1, en', 'en, en;q=0.1'],
    ['accept', 'case of parameter values other than charset', 'text/html;level=A', 'text/html;level=a'],
    ['accept', 'parameters', 'text/html;level=1', 'text/html'],
    ['accept', 'a media type and a range', 'text/html', 'text/*'],
    ['accept', 'quoted values that are not tokens', 'a/b;x="1 2"', 'a/b;x="12"'],
    ['user-agent', 'anything in a field not known to be safe to normalise', 'Mozilla/5.0 (X11, Linux)', 'Mozilla/5.0 (X11,Linux)'],
    ['user-agent', 'case in an unknown field', 'curl', 'CURL'],
    ['accept-encoding', 'an invalid item keeps the case of every item', 'GZIP, x y', 'gzip, x y'],
  ])('%s: not equivalent when %s differs', (name, _why, a, b) => {
    expect(normalizedFieldValue(name, a)).not.toBe(normalizedFieldValue(name, b));
  });

  it.each<[string, string | string[] | undefined, string | null]>([
    ['accept-language', undefined, null],
    ['accept-language', '', ''],
    ['accept-language', ' , ', ''],
    ['accept-language', 'de-DE;q=0.9, EN;q=1, fr;q=0.900, *;q=0', 'en, de-de;q=0.9, fr;q=0.9, *;q=0'],
    ['accept-encoding', 'br;q=1.0, gzip;q=0.8, *;q=0.1', 'br, gzip;q=0.8, *;q=0.1'],
    ['accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8'],
    ['accept', 'Text/HTML;Charset="UTF-8";q=0.5', 'text/html;charset=utf-8;q=0.5'],
    // Invalid for the grammar: only split into items and trimmed, case and order kept.
    ['accept-language', 'EN , x_y', 'EN, x_y'],
    ['accept-encoding', 'gzip;level=9 , BR', 'gzip;level=9, BR'],
    ['accept-encoding', 'gzip; q = 0.5', 'gzip; q = 0.5'],
    ['accept', 'text/html;q=0.5;level=1', 'text/html;q=0.5;level=1'],
    ['accept', 'html', 'html'],
    ['accept-encoding', 'gzip;q=2', 'gzip;q=2'],
    // Other fields: trimmed, lines joined.
    ['cookie', ' a=1; b=2 ', 'a=1; b=2'],
    ['x-custom', ['A ', ' b'], 'A, b'],
  ])('%s: %j → %j', (name, value, expected) => {
    expect(normalizedFieldValue(name, value)).toBe(expected);
  });
});
