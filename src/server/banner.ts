import type { HarpConfig } from '../config/index.js';

/**
 * What a person needs after start-up: where the proxy listens, where to watch it, and how to
 * connect an agent.
 */
export function bannerText(config: HarpConfig, port: number, tlsPort?: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  // Over TLS when there is TLS: the agent's key then never crosses the network in the clear.
  const server = tlsPort === undefined ? `ws://${host}:${port}` : `wss://${host}${tlsPort === 443 ? '' : `:${tlsPort}`}`;
  const lines = [
    '',
    `  HARP proxy listening on http://${host}:${port}`,
    ...(tlsPort === undefined ? [] : [`                     and https://${host}:${tlsPort}${config.httpRedirect ? ' (http:// redirects there)' : ''}`]),
    `  dashboard: http://${host}:${port}/_harp/ ${config.adminToken ? '(asks for the admin token)' : '(from this machine only; set HARP_ADMIN_TOKEN to open it to others)'}`,
    `  health:    http://${host}:${port}/_harp/healthz`,
    '',
  ];
  if (config.generatedKey) {
    lines.push(
      '  No agent key was configured, so this one was generated for this run:',
      `    ${config.key}`,
      '  Expose a local server through this proxy with:',
      `    npx harp http 3000 --server ${server} --key ${config.key}`,
    );
  } else {
    lines.push('  Expose a local server through this proxy with:', `    npx harp http 3000 --server ${server} --key <your key>`);
  }
  return `${lines.join('\n')}\n\n`;
}

export function printBanner(config: HarpConfig, port: number, tlsPort?: number): void {
  process.stdout.write(bannerText(config, port, tlsPort));
}
