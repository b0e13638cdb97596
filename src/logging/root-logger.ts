import type { OnApplicationShutdown } from '@nestjs/common';
import { createRequire } from 'node:module';
import { pino, stdSerializers } from 'pino';
import type { DestinationStream, Logger, LoggerOptions, SerializedError } from 'pino';
import type { HarpConfig } from '../config/index.js';
import { REDACTED } from '../http/redaction.js';
import type { HarpLoggingOptions } from './logging-options.js';
import { REDACT_PATHS } from './redaction.js';
import { SecretScrubber } from './secret-scrubber.js';

/**
 * The app's root pino logger. nestjs-pino (Nest's `Logger` calls), pino-http (`/_harp/*`
 * requests) and the access log all write through it, so they share one level, one redaction
 * and one destination. Injected by type: `constructor(private readonly logs: HarpLogger)`.
 */
export class HarpLogger implements OnApplicationShutdown {
  /** pino's error serializer, with configured secrets scrubbed from message and stack. */
  readonly errorSerializer: (error: Error) => SerializedError;

  constructor(
    readonly pino: Logger,
    /** Replaces configured secrets in text that pino's path-based redaction cannot name. */
    readonly scrubber: SecretScrubber,
  ) {
    this.errorSerializer = scrubbedErrors(scrubber);
  }

  onApplicationShutdown(): void {
    this.pino.flush();
  }
}

/** Builds the root logger for `config`: level `logLevel`, JSON to stdout unless told otherwise. */
export function createHarpLogger(config: HarpConfig, options: HarpLoggingOptions = {}): HarpLogger {
  const scrubber = SecretScrubber.of(config);
  const pinoOptions: LoggerOptions = {
    level: config.logLevel,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED.logField },
    serializers: { err: scrubbedErrors(scrubber) },
    // Messages (Nest's `Logger` calls are strings) go through the scrubber; objects are covered
    // by `redact` and the error serializer.
    hooks: scrubber.isEmpty ? {} : { logMethod: scrubbingLogMethod(scrubber) },
  };
  return new HarpLogger(pino(pinoOptions, destinationFor(options)), scrubber);
}

function scrubbingLogMethod(scrubber: SecretScrubber): NonNullable<LoggerOptions['hooks']>['logMethod'] {
  return function logMethod(args, method) {
    const list = args as unknown[];
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] === 'string') list[i] = scrubber.scrub(list[i] as string);
    }
    return method.apply(this, args);
  };
}

function scrubbedErrors(scrubber: SecretScrubber): (error: Error) => SerializedError {
  return (error) => {
    const serialized = stdSerializers.err(error);
    if (scrubber.isEmpty) return serialized;
    if (typeof serialized.message === 'string') serialized.message = scrubber.scrub(serialized.message);
    if (typeof serialized.stack === 'string') serialized.stack = scrubber.scrub(serialized.stack);
    return serialized;
  };
}

function destinationFor(options: HarpLoggingOptions): DestinationStream {
  if (options.destination) return options.destination;
  if (options.pretty ?? (process.stdout.isTTY === true && prettyInstalled())) {
    return pino.transport({
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
    }) as DestinationStream;
  }
  // Asynchronous: a burst of lines becomes few writes, and logging never blocks a request on
  // a slow stdout. pino flushes what is left when the process exits.
  return pino.destination({ dest: 1, sync: false });
}

// A dev dependency: a production install has no pretty printer, and JSON is what it wants.
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
