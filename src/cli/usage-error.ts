import { HarpError } from '../errors/index.js';

/** Which help text a usage error points at. */
export type HelpTopic = 'harp' | 'http' | 'start' | 'serve' | 'hash-password';

/** The command line asks for something the CLI cannot do; exits with status 2. */
export class UsageError extends HarpError<'usage'> {
  constructor(
    message: string,
    /** The help that explains the mistake. */
    readonly topic: HelpTopic,
  ) {
    super('usage', message);
  }
}
