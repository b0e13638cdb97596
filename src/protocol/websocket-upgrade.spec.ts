import { namesWebSocket } from './websocket-upgrade.js';

describe('namesWebSocket', () => {
  it.each([
    ['websocket', true],
    ['WebSocket', true],
    ['h2c, websocket', true],
    [' websocket ', true],
    ['h2c', false],
    ['websockets', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (value, expected) => {
    expect(namesWebSocket(value)).toBe(expected);
  });
});
