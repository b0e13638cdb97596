import { continueSender } from './expect-continue.js';
import type { ContinueQuestion } from './expect-continue.js';

const ask = (over: Partial<ContinueQuestion> = {}): ContinueQuestion => ({
  held: true,
  hasBody: true,
  features: ['interim', 'trailers', 'continue'],
  ...over,
});

describe('who sends the 100 Continue (docs/protocol.md §5.4)', () => {
  it.each<[string, string, Partial<ContinueQuestion>]>([
    ['an upload (HTTP/1.1 or HTTP/2) to an agent with the continue feature', 'backend', {}],
    ['an agent that predates the feature', 'proxy', { features: ['interim', 'trailers'] }],
    ['an agent whose handshake offered no features', 'proxy', { features: undefined }],
    ['a request without a body (nothing to invite)', 'proxy', { hasBody: false }],
    ['a request whose 100 Node did not hold back', 'none', { held: false }],
    ['no 100 held back, whatever the agent can do', 'none', { held: false, hasBody: false }],
  ])('%s: %s', (_name, sender, over) => {
    expect(continueSender(ask(over))).toBe(sender);
  });
});
