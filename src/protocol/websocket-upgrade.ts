/**
 * Whether an `Upgrade` field value names the WebSocket protocol (RFC 6455 §4.1; the token is
 * case-insensitive and may stand in a list). The proxy tunnels only such upgrades, and marks
 * their REQUEST_HEAD with `Upgrade: websocket` (docs/protocol.md §5.3), which the agent reads
 * with this same test.
 */
export function namesWebSocket(upgrade: string | undefined): boolean {
  return upgrade !== undefined && upgrade.split(',').some((token) => token.trim().toLowerCase() === 'websocket');
}
