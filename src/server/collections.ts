import { PerformanceObserver, constants } from 'node:perf_hooks';

export type CollectionKind = 'scavenge' | 'full';

const KINDS: Readonly<Record<number, CollectionKind>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'full',
};

/**
 * Calls `onCollection` after each scavenge and each full collection of this process (Node
 * delivers them shortly after, in batches); other kinds are left out. Returns how to stop.
 */
export function observeCollections(onCollection: (kind: CollectionKind) => void): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = KINDS[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind) onCollection(kind);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
