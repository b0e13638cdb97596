// Express comes with @nestjs/platform-express, without its types (@types/express is not a
// dependency). The few parts that the tests and examples use, typed for the type check only.
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface Request extends IncomingMessage {
    readonly path: string;
    readonly query: Record<string, string | string[] | undefined>;
  }
  export interface Response extends ServerResponse {
    status(code: number): this;
    json(body: unknown): this;
    send(body?: string | Buffer): this;
  }
  export type Handler = (req: Request, res: Response, next: (err?: unknown) => void) => void | Promise<void>;
  export interface Application {
    (req: IncomingMessage, res: ServerResponse): void;
    get(path: string, ...handlers: Handler[]): this;
    post(path: string, ...handlers: Handler[]): this;
    use(...handlers: Handler[]): this;
  }

  export default function express(): Application;
}
