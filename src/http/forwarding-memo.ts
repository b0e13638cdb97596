import { forwardingFields, type ForwardingInput, type TrustedProxies } from './forwarding.js';

/** A forwarding field as the tunnel's request head carries it. */
export type ForwardingField = readonly [name: string, value: string];

interface Remembered {
  readonly input: ForwardingInput;
  readonly fields: readonly ForwardingField[];
}

/**
 * The forwarding fields of the last request of each connection, reused for the next one when
 * everything they are made of is the same: the peer, the scheme, `Host` and the forwarding
 * fields as received (which only a trusted peer's are read from). Requests on one keep-alive
 * connection nearly always agree on all of it, and building the fields (address forms, the
 * `Forwarded` quoting) was a measurable part of every request.
 */
export class ForwardingMemo {
  readonly #last = new WeakMap<object, Remembered>();

  constructor(private readonly trusted: TrustedProxies) {}

  /** What {@link forwardingFields} gives for `input`; the list is shared, never to be changed. */
  fieldsFor(connection: object, input: ForwardingInput): readonly ForwardingField[] {
    const last = this.#last.get(connection);
    if (last !== undefined && sameInput(last.input, input)) return last.fields;
    const { fields } = forwardingFields(input, this.trusted);
    this.#last.set(connection, { input, fields });
    return fields;
  }
}

function sameInput(a: ForwardingInput, b: ForwardingInput): boolean {
  return (
    a.peerAddress === b.peerAddress &&
    a.protocol === b.protocol &&
    a.host === b.host &&
    a.forwardedFor === b.forwardedFor &&
    a.forwardedProto === b.forwardedProto &&
    a.forwardedHost === b.forwardedHost &&
    a.forwarded === b.forwarded
  );
}
