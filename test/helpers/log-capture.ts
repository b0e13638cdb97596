import { Writable } from 'node:stream';

/** A pino destination that keeps what it is given, for tests that read the log. */
export class LogCapture extends Writable {
  private readonly chunks: string[] = [];

  constructor() {
    super({
      write: (chunk: Buffer, _encoding, done) => {
        this.chunks.push(chunk.toString());
        done();
      },
    });
  }

  /** Everything written so far. */
  get text(): string {
    return this.chunks.join('');
  }

  /** Every line, parsed; throws if one is not JSON. */
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
