// An incremental parser of `text/event-stream`, as the HTML standard defines it ("Server-sent
// events", §9.2.6 "Interpreting an event stream"). The page reads the stream with fetch() and
// parses it here, because EventSource cannot send an Authorization header.

const LINE_END = /\r\n|\r|\n/g;

/**
 * Feed it decoded text in chunks of any size (a line or a CRLF may be split across chunks);
 * it calls `onEvent({ type, data, lastEventId })` for each complete event.
 */
export class SseParser {
  #onEvent;
  #pending = '';
  #started = false;
  #afterCr = false;
  #type = '';
  #data = [];

  /** The last `id:` seen, as the standard keeps it across events. */
  lastEventId = '';
  /** The last valid `retry:` (ms), if any. */
  retryMs = undefined;

  constructor(onEvent) {
    this.#onEvent = onEvent;
  }

  push(chunk) {
    if (this.#afterCr && chunk.length > 0) {
      this.#afterCr = false;
      if (chunk.charCodeAt(0) === 0x0a) chunk = chunk.slice(1); // the LF of a CRLF cut in two
    }
    let text = this.#pending + chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // one leading BOM is ignored
    }
    LINE_END.lastIndex = 0;
    let start = 0;
    for (let match; (match = LINE_END.exec(text)) !== null; ) {
      this.#line(text.slice(start, match.index));
      start = LINE_END.lastIndex;
      // A CR ending the chunk ends its line now; an LF opening the next one belongs to it.
      if (match[0] === '\r' && start === text.length) this.#afterCr = true;
    }
    this.#pending = text.slice(start);
  }

  #line(line) {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return; // a comment (servers send them as keep-alives)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
      // unknown fields are ignored
    }
  }

  #dispatch() {
    const data = this.#data;
    const type = this.#type === '' ? 'message' : this.#type;
    this.#data = [];
    this.#type = '';
    if (data.length === 0) return; // an event without data is not dispatched
    this.#onEvent({ type, data: data.join('\n'), lastEventId: this.lastEventId });
  }
}
