import { readFileSync } from 'node:fs';
import { parseAgentFile } from './agent-file.js';
import { usage } from './usage.js';

// The files users copy: docs/agent.md's full example and `harp start --help`'s must be valid.

const env = { HARP_KEY: 'k', API_TOKEN: 't', API_KEY: 'a', PREVIEW_PASSWORD: 'p', CI_TOKEN: 'c', DEMO_PASSWORD: 'd' };

describe('the agent files the documentation shows', () => {
  it("docs/agent.md's full example is accepted, every service with it", () => {
    const doc = readFileSync(new URL('../../docs/agent.md', import.meta.url), 'utf8');
    const example = /## A full example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const plan = parseAgentFile(example!, 'harp.yml', env);
    expect(plan.services.map((s) => s.name)).toEqual(['web', 'api', 'grpc', 'preview']);
    expect(plan.services[3]!.route.access?.bearerTokens).toEqual(['c']);
  });

  it("harp start --help's sketch is accepted", () => {
    const help = usage('start');
    const sketch = /in short:\n\n([\s\S]*?)\n\nOptions:/.exec(help)?.[1];
    expect(sketch).toBeDefined();
    const plan = parseAgentFile(sketch!.replace(/^ {2}/gm, ''), 'harp.yml', env);
    expect(plan.services[0]!.route).toMatchObject({ addHeaders: { 'X-Api-Key': 'a' }, access: { basicAuth: [{ user: 'demo', password: 'd' }] } });
  });
});
