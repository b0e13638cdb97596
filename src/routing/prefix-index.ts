/**
 * The path prefixes registered under one host pattern, with longest-prefix lookup on segment
 * boundaries in O(segments) map probes instead of a scan over the prefixes.
 *
 * Prefixes are normalized (`/` or `/a/b`, never a trailing slash), so the candidates for a
 * request path are the path itself and each of its cuts just before a `/`, then `/`:
 * `/api/x` → `/api/x`, `/api`, `/`. `/apix` never yields `/api`.
 */
export class PrefixIndex<V> {
  readonly #byPrefix = new Map<string, V>();
  /**
   * Length of the longest prefix held. Candidates longer than it cannot match, so a hostile
   * path of thousands of segments costs no more than the routes that exist.
   */
  #maxLength = 0;

  get size(): number {
    return this.#byPrefix.size;
  }

  get(prefix: string): V | undefined {
    return this.#byPrefix.get(prefix);
  }

  set(prefix: string, value: V): void {
    this.#byPrefix.set(prefix, value);
    if (prefix.length > this.#maxLength) this.#maxLength = prefix.length;
  }

  delete(prefix: string): boolean {
    if (!this.#byPrefix.delete(prefix)) return false;
    // Rare (a route disappears) and bounded by this host's own prefixes.
    if (prefix.length === this.#maxLength) {
      this.#maxLength = 0;
      for (const key of this.#byPrefix.keys()) if (key.length > this.#maxLength) this.#maxLength = key.length;
    }
    return true;
  }

  values(): Iterable<V> {
    return this.#byPrefix.values();
  }

  /**
   * The value under the longest prefix of `path` that ends on a segment boundary.
   * `path` is the raw request path without query, starting with `/`; compared case-sensitively.
   */
  match(path: string): V | undefined {
    let end = path.length;
    if (end > this.#maxLength) {
      // A cut is only a candidate if a '/' follows it; lastIndexOf finds the last such cut
      // that is not longer than the longest prefix (it may be at #maxLength itself).
      end = path.lastIndexOf('/', this.#maxLength);
    }
    while (end > 0) {
      const value = this.#byPrefix.get(end === path.length ? path : path.slice(0, end));
      if (value !== undefined) return value;
      end = path.lastIndexOf('/', end - 1);
    }
    return this.#byPrefix.get('/');
  }
}
