/**
 * Which certificate answers a TLS handshake, from the server name the client sent (SNI,
 * RFC 6066 §3). Pure: the listener holds the contexts, this only says which entry.
 *
 * Names are written as certificates write theirs (RFC 6125 §6.4.3): exact, or a wildcard that
 * stands for exactly one leftmost label (`*.example.com` covers `a.example.com`, neither
 * `example.com` nor `a.b.example.com`). An exact name wins over a wildcard; for each, the first
 * entry that lists it. No match (or no name): the caller's default.
 */
export class CertificateIndex {
  private readonly exact = new Map<string, number>();
  private readonly wildcard = new Map<string, number>();

  /** @param entries each entry's names, in the configuration's order */
  constructor(entries: ReadonlyArray<{ readonly hosts: readonly string[] }>) {
    entries.forEach((entry, index) => {
      for (const host of entry.hosts) {
        const name = normalName(host);
        const table = name.startsWith('*.') ? this.wildcard : this.exact;
        const key = name.startsWith('*.') ? name.slice(2) : name;
        if (!table.has(key)) table.set(key, index);
      }
    });
  }

  /** The index of the entry for `servername`, or undefined for the default certificate. */
  select(servername: string | undefined): number | undefined {
    if (!servername) return undefined;
    const name = normalName(servername);
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    return dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined;
  }
}

// Names compare without case, and a fully qualified `example.com.` is `example.com`.
function normalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
