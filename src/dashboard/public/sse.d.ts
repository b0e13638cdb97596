// Types of sse.js for its unit spec (src/dashboard/sse-parser.spec.ts); not served.

export interface SseEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

export declare class SseParser {
  constructor(onEvent: (event: SseEvent) => void);
  lastEventId: string;
  retryMs: number | undefined;
  push(chunk: string): void;
}
