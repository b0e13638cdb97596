import { combinedValue, fieldCount, fieldValues, firstFieldValue, hasField } from './raw-fields.js';

const raw = ['Host', 'a.example', 'Accept', 'text/html', 'accept', '*/*', 'HOST', 'b.example', 'X-Empty', ''];

describe('raw header helpers', () => {
  it.each<[string, string[], number, string | undefined, string | undefined]>([
    ['host', ['a.example', 'b.example'], 2, 'a.example', 'a.example, b.example'],
    ['accept', ['text/html', '*/*'], 2, 'text/html', 'text/html, */*'],
    ['x-empty', [''], 1, '', ''],
    ['absent', [], 0, undefined, undefined],
  ])('%s: values, count, first and combined value agree', (name, values, count, first, combined) => {
    expect(fieldValues(raw, name)).toEqual(values);
    expect(fieldCount(raw, name)).toBe(count);
    expect(firstFieldValue(raw, name)).toBe(first);
    expect(combinedValue(raw, name)).toBe(combined);
    expect(hasField(raw, name)).toBe(count > 0);
  });

  it('never takes a longer or shorter name for the one asked', () => {
    expect(fieldCount(['Hosts', 'x', 'Hos', 'y'], 'host')).toBe(0);
    expect(firstFieldValue(['X-Host', 'x'], 'host')).toBeUndefined();
  });
});
