import type { DestinationStream } from 'pino';

/** Options of `HarpLoggingModule.forRoot`; the level and `accessLog` come from `HarpConfig`. */
export interface HarpLoggingOptions {
  /**
   * Where log lines go instead of stdout, always as JSON (tests capture them here).
   * @default stdout
   */
  readonly destination?: DestinationStream;
  /**
   * Human-readable lines through `pino-pretty` instead of JSON; ignored with `destination`.
   * @default true when stdout is a terminal and pino-pretty is installed (a dev dependency)
   */
  readonly pretty?: boolean;
}
