/**
 * A strict parser for Structured Field Dictionaries (RFC 8941 §4.2.2), as targeted cache-control
 * fields need (RFC 9213 §2.1). Parameters are parsed (a malformed one fails the field) but not
 * returned: RFC 9213 says to ignore them. Any error fails the whole field, which the caller then
 * ignores as if it were absent.
 */

/** One member's value, with the Structured Field type it had on the wire. */
export type SfValue =
  | { readonly type: 'integer' | 'decimal'; readonly value: number }
  | { readonly type: 'string' | 'token'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes' | 'inner-list' };

const LCALPHA = /[a-z]/;
const ALPHA = /[A-Za-z]/;
const DIGIT = /[0-9]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class ParseError extends Error {}

/** Parses a dictionary; undefined when the text is not one (RFC 8941 §4.2: parsing fails). */
export function parseSfDictionary(text: string): Map<string, SfValue> | undefined {
  try {
    return new Parser(text).dictionary();
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}

class Parser {
  private i = 0;

  constructor(private readonly s: string) {}

  dictionary(): Map<string, SfValue> {
    const out = new Map<string, SfValue>();
    this.skip(' ');
    while (this.i < this.s.length) {
      const key = this.key();
      let value: SfValue;
      if (this.peek() === '=') {
        this.i++;
        value = this.itemOrInnerList();
      } else {
        value = { type: 'boolean', value: true };
        this.parameters();
      }
      // A repeated key overwrites the earlier value (§4.2.2).
      out.set(key, value);
      this.skipOws();
      if (this.i >= this.s.length) return out;
      if (this.s[this.i++] !== ',') throw new ParseError();
      this.skipOws();
      if (this.i >= this.s.length) throw new ParseError();
    }
    return out;
  }

  private itemOrInnerList(): SfValue {
    if (this.peek() !== '(') {
      const item = this.bareItem();
      this.parameters();
      return item;
    }
    this.i++;
    for (;;) {
      this.skip(' ');
      if (this.peek() === ')') {
        this.i++;
        this.parameters();
        return { type: 'inner-list' };
      }
      this.bareItem();
      this.parameters();
      const next = this.peek();
      if (next !== ' ' && next !== ')') throw new ParseError();
    }
  }

  private parameters(): void {
    while (this.peek() === ';') {
      this.i++;
      this.skip(' ');
      this.key();
      if (this.peek() === '=') {
        this.i++;
        this.bareItem();
      }
    }
  }

  private key(): string {
    const first = this.peek();
    if (first === undefined || !(LCALPHA.test(first) || first === '*')) throw new ParseError();
    const start = this.i++;
    while (this.i < this.s.length && KEY_CHAR.test(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private bareItem(): SfValue {
    const c = this.peek();
    if (c === undefined) throw new ParseError();
    if (c === '-' || DIGIT.test(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ':') return this.bytes();
    if (c === '?') return this.boolean();
    if (ALPHA.test(c) || c === '*') return this.token();
    throw new ParseError();
  }

  private number(): SfValue {
    const match = /^(-?)(\d+)(?:\.(\d+))?/.exec(this.s.slice(this.i));
    if (!match) throw new ParseError();
    const [text, , whole, fraction] = match;
    if (fraction === undefined ? whole!.length > 15 : whole!.length > 12 || fraction.length > 3) {
      throw new ParseError();
    }
    this.i += text!.length;
    return { type: fraction === undefined ? 'integer' : 'decimal', value: Number(text) };
  }

  private string(): SfValue {
    this.i++;
    let value = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === '\\') {
        const escaped = this.s[this.i++];
        if (escaped !== '"' && escaped !== '\\') throw new ParseError();
        value += escaped;
      } else if (c === '"') {
        return { type: 'string', value };
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw new ParseError();
        value += c;
      }
    }
    throw new ParseError();
  }

  private token(): SfValue {
    const start = this.i++;
    while (this.i < this.s.length && TCHAR.test(this.s[this.i]!)) this.i++;
    return { type: 'token', value: this.s.slice(start, this.i) };
  }

  private bytes(): SfValue {
    this.i++;
    while (this.i < this.s.length && BASE64_CHAR.test(this.s[this.i]!)) this.i++;
    if (this.s[this.i++] !== ':') throw new ParseError();
    return { type: 'bytes' };
  }

  private boolean(): SfValue {
    const c = this.s[this.i + 1];
    if (c !== '0' && c !== '1') throw new ParseError();
    this.i += 2;
    return { type: 'boolean', value: c === '1' };
  }

  private peek(): string | undefined {
    return this.s[this.i];
  }

  private skip(char: string): void {
    while (this.s[this.i] === char) this.i++;
  }

  private skipOws(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
  }
}
