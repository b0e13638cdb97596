import { readFileSync } from 'node:fs';
import {
  CloseCode,
  CONNECT_PATH,
  FEATURE_NEEDS,
  FEATURES_HEADER,
  FRAME_HEADER_BYTES,
  FrameFlag,
  FrameType,
  MAX_HEAD_FIELDS,
  MAX_HEAD_STRING_BYTES,
  MAX_STREAM_ID,
  PROTOCOL_VERSION,
  ResetCode,
  SUBPROTOCOL,
  TUNNEL_FEATURES,
} from './constants.js';

// Every value below is on the wire or in docs/protocol.md. Changing one breaks every agent
// already deployed, so this test must be edited on purpose, together with the document.

/** The numeric members of a TypeScript enum (its reverse mappings left out). */
function members(e: Record<string, string | number>): Record<string, number> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

describe('wire constants', () => {
  it('pins the scalar constants', () => {
    expect({
      PROTOCOL_VERSION,
      FRAME_HEADER_BYTES,
      SUBPROTOCOL,
      CONNECT_PATH,
      MAX_STREAM_ID,
      MAX_HEAD_STRING_BYTES,
      MAX_HEAD_FIELDS,
      FEATURES_HEADER,
      TUNNEL_FEATURES,
      FEATURE_NEEDS,
    }).toEqual({
      PROTOCOL_VERSION: 1,
      FRAME_HEADER_BYTES: 8,
      SUBPROTOCOL: 'harp.v1',
      CONNECT_PATH: '/_harp/connect',
      MAX_STREAM_ID: 4294967295,
      MAX_HEAD_STRING_BYTES: 65535,
      MAX_HEAD_FIELDS: 65535,
      FEATURES_HEADER: 'Harp-Features',
      TUNNEL_FEATURES: ['interim', 'trailers', 'continue', 'subdomains'],
      FEATURE_NEEDS: { continue: 'interim' },
    });
  });

  it('pins every frame type', () => {
    expect(members(FrameType)).toEqual({
      Data: 0x00,
      RequestHead: 0x01,
      ResponseHead: 0x02,
      WindowUpdate: 0x03,
      Reset: 0x04,
      Trailers: 0x05,
      Control: 0x10,
    });
  });

  it('pins every frame flag', () => {
    expect(members(FrameFlag)).toEqual({ None: 0x00, EndStream: 0x01 });
  });

  it('pins every reset code', () => {
    expect(members(ResetCode)).toEqual({
      Cancel: 1,
      UpstreamError: 2,
      Refused: 3,
      ProtocolError: 4,
      FlowControlError: 5,
      Timeout: 6,
      TooLarge: 7,
      Internal: 8,
      UpstreamUnreachable: 9,
    });
  });

  it('pins every close code', () => {
    expect(members(CloseCode)).toEqual({
      Normal: 1000,
      GoingAway: 1001,
      ProtocolError: 1002,
      MessageTooBig: 1009,
      Unauthorized: 4401,
      HelloTimeout: 4408,
      HeartbeatTimeout: 4409,
      Kicked: 4410,
    });
  });

  it('keeps application close codes in the private range 4000–4999 (RFC 6455 §7.4.2)', () => {
    const app = Object.values(members(CloseCode)).filter((code) => code >= 3000);
    expect(app.length).toBeGreaterThan(0);
    for (const code of app) expect(code >= 4000 && code <= 4999).toBe(true);
  });
});

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  /** The first cells of every table row in the document. */
  const rows = doc.split('\n').filter((line) => line.startsWith('| '));
  const hasRow = (...cells: string[]): boolean =>
    rows.some((row) => row.startsWith(`| ${cells.join(' | ')} |`));

  it('has a row for every frame type', () => {
    const names: Record<keyof typeof FrameType, string> = {
      Data: 'DATA',
      RequestHead: 'REQUEST_HEAD',
      ResponseHead: 'RESPONSE_HEAD',
      WindowUpdate: 'WINDOW_UPDATE',
      Reset: 'RESET',
      Trailers: 'TRAILERS',
      Control: 'CONTROL',
    };
    for (const [key, value] of Object.entries(members(FrameType))) {
      const hex = `\`0x${value.toString(16).padStart(2, '0')}\``;
      expect([key, hasRow(hex, names[key as keyof typeof FrameType])]).toEqual([key, true]);
    }
  });

  it('has a row for every optional feature', () => {
    for (const feature of TUNNEL_FEATURES) expect([feature, hasRow(`\`${feature}\``)]).toEqual([feature, true]);
  });

  it('has a row for every reset code and every close code', () => {
    for (const [name, code] of Object.entries(members(ResetCode))) {
      expect([name, hasRow(String(code), name)]).toEqual([name, true]);
    }
    for (const [name, code] of Object.entries(members(CloseCode))) {
      expect([name, hasRow(String(code), name)]).toEqual([name, true]);
    }
  });

  it('has a row for every protocol error code', () => {
    const source = readFileSync(new URL('./errors.ts', import.meta.url), 'utf8');
    const codes = [...source.matchAll(/\| '([a-z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThanOrEqual(16);
    for (const code of codes) expect([code, hasRow(`\`${code}\``)]).toEqual([code, true]);
  });
});
