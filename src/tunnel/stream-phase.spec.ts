import { isFinal, localEnded, nextPhase, remoteEnded } from './stream-phase.js';
import type { EndsPhase, StreamEvent, StreamPhase } from './stream-phase.js';

// The stream lifecycle of docs/protocol.md §5.2, as a table: every phase against every event.

const EVENTS: StreamEvent[] = ['local-end', 'remote-end', 'reset'];

describe('nextPhase', () => {
  it.each<[StreamPhase, [StreamPhase, StreamPhase, StreamPhase]]>([
    ['open', ['half-closed-local', 'half-closed-remote', 'reset']],
    ['half-closed-local', ['half-closed-local', 'closed', 'reset']],
    ['half-closed-remote', ['closed', 'half-closed-remote', 'reset']],
    // A local reset of a stream not yet destroyed after both ends: the RESET is still sent.
    ['closed', ['closed', 'closed', 'reset']],
    ['reset', ['reset', 'reset', 'reset']],
  ])('from %s on local-end, remote-end, reset', (phase, expected) => {
    expect(EVENTS.map((event) => nextPhase(phase, event))).toEqual(expected);
  });
});

describe('what a phase says', () => {
  it.each<[EndsPhase, boolean, boolean]>([
    ['open', false, false],
    ['half-closed-local', true, false],
    ['half-closed-remote', false, true],
    ['closed', true, true],
  ])('%s: local ended %s, remote ended %s', (phase, local, remote) => {
    expect([localEnded(phase), remoteEnded(phase)]).toEqual([local, remote]);
  });

  it('is final once closed or reset', () => {
    const phases: StreamPhase[] = ['open', 'half-closed-local', 'half-closed-remote', 'closed', 'reset'];
    expect(phases.filter(isFinal)).toEqual(['closed', 'reset']);
  });
});
