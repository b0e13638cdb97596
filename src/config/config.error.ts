import { HarpError } from '../errors/index.js';

/**
 * The configuration cannot be used: a value is out of range, a key is unknown, or the file named
 * by `HARP_CONFIG` cannot be read or parsed. Start-up stops with this error.
 */
export class ConfigError extends HarpError<'config_invalid'> {
  /**
   * @param problems one line per bad key, each naming the key and its source, e.g.
   *   `HARP_PORT (env): expected an integer from 0 to 65535, got "abc"`
   */
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super('config_invalid', `Invalid configuration: ${problems.join('; ')}`, options);
  }
}
