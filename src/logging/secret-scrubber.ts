import type { HarpConfig } from '../config/index.js';
import { REDACTED } from '../http/redaction.js';

/**
 * Replaces the configured secrets (agent keys, the admin token, Redis's password) wherever they
 * appear in a string. The services log key ids, never keys; this is the net under them, for
 * text HARP does not control (an error message quoting a URL, an agent's own words).
 */
export class SecretScrubber {
  /** Longest first, so that a secret containing another is replaced whole. */
  private readonly secrets: readonly string[];

  constructor(secrets: Iterable<string | undefined>) {
    const set = new Set<string>();
    for (const secret of secrets) if (secret) set.add(secret);
    this.secrets = [...set].sort((a, b) => b.length - a.length);
  }

  /** The secrets of `config`. */
  static of(config: Pick<HarpConfig, 'key' | 'keys' | 'adminToken' | 'redisUrl'> & Partial<Pick<HarpConfig, 'clusterSecret'>>): SecretScrubber {
    const { key, keys, adminToken, redisUrl, clusterSecret } = config;
    return new SecretScrubber([key, ...keys.map((rule) => rule.key), adminToken, redisPassword(redisUrl), clusterSecret]);
  }

  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }

  scrub(text: string): string {
    for (const secret of this.secrets) if (text.includes(secret)) text = text.replaceAll(secret, REDACTED.logText);
    return text;
  }
}

function redisPassword(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const { password } = new URL(url);
  return password ? decodeURIComponent(password) : undefined;
}
