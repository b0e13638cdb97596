/** A response head as it went to the client, taken apart. */
export interface ResponseHeadParts {
  /** `1.1`, as in the status line after `HTTP/`. */
  readonly httpVersion: string;
  readonly status: number;
  /** The reason phrase; may be empty (RFC 9112 §4). */
  readonly statusText: string;
  /** Fields in Node's raw form, `[name, value, name, value, …]`, in order and spelling. */
  readonly fields: string[];
}

/** `HTTP/1.1 200 OK`; the reason phrase is optional, and so is the space before an empty one. */
const STATUS_LINE = /^HTTP\/(\d(?:\.\d)?) (\d{3})(?: (.*))?$/;

/** A field name is a token (RFC 9110 §5.1); anything else is a line we do not understand. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses the head Node serialized for a response (`res._header`: status line, fields, blank
 * line). Undefined when there is no head or its status line is not one; field lines that are
 * not `name: value` are skipped. Never throws: the head is recorded data, not trusted input.
 */
export function parseResponseHead(head: string | undefined): ResponseHeadParts | undefined {
  if (typeof head !== 'string') return undefined;
  const lines = head.split(/\r?\n/);
  const status = STATUS_LINE.exec(lines[0]);
  if (!status) return undefined;
  const fields: string[] = [];
  for (let i = 1; i < lines.length && lines[i] !== ''; i++) {
    const field = parseFieldLine(lines[i]);
    if (field) fields.push(field[0], field[1]);
  }
  return { httpVersion: status[1], status: Number(status[2]), statusText: status[3] ?? '', fields };
}

/** `Name: value` → `[name, value]`; the value keeps its inner colons (`Location: http://x:1/`). */
function parseFieldLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (!FIELD_NAME.test(name)) return undefined;
  return [name, line.slice(colon + 1).trim()];
}
