import { readFileSync } from 'node:fs';
import { ERROR_CATALOGUE, statusOf, type HttpErrorCode } from './error-catalogue.js';

// docs/errors.md is what a client author reads; its table of X-Harp-Error codes must be the
// catalogue itself, as the protocol's constants are pinned to docs/protocol.md.
const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of the `X-Harp-Error` table: code, status and text as written in the document. */
function documentedRows(): Array<[string, number, string]> {
  const section = doc.slice(doc.indexOf('## What a client sees'), doc.indexOf('## What an agent sees'));
  return [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| ([^|]+?) \|/gm)].map((m) => [m[1]!, Number(m[2]), m[3]!]);
}

describe('docs/errors.md', () => {
  it('lists every catalogue code with its status and text, in the same order', () => {
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, { status, message }]) => [code, status, message]);
    expect(documentedRows()).toEqual(catalogue);
  });

  it('reads a real table (not an empty match)', () => {
    expect(documentedRows().length).toBeGreaterThanOrEqual(17);
  });
});

describe('error catalogue', () => {
  it.each(Object.keys(ERROR_CATALOGUE) as HttpErrorCode[])('%s is snake_case with an error status', (code) => {
    expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(statusOf(code)).toBeGreaterThanOrEqual(400);
    expect(statusOf(code)).toBeLessThan(600);
  });

  it('is ordered by status, so the document reads from client errors to gateway errors', () => {
    const statuses = Object.values(ERROR_CATALOGUE).map((e) => e.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });
});
