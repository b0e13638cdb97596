/**
 * An operator rule that guards visitors' access to some hosts and paths (docs/configuration.md,
 * "Access rules"). Every rule whose `hosts` and `paths` match a request applies to it, and all
 * of them must pass; see `src/access/`.
 */
export interface AccessRule {
  /**
   * Regular-expression sources, each matched against the whole request host (lower-cased,
   * without its port), case-insensitively.
   * @default ['.*']
   */
  readonly hosts: readonly string[];
  /**
   * Regular-expression sources, each matched against the whole request path (without the
   * query), raw and as a backend may normalize it.
   * @default ['.*']
   */
  readonly paths: readonly string[];
  /** Named in the `WWW-Authenticate` challenge. @default 'HARP' */
  readonly realm?: string;
  /** HTTP Basic users; `password` is a `scrypt$N$r$p$salt$hash` (`harp hash-password`). @default [] */
  readonly basicAuth: readonly { readonly user: string; readonly password: string }[];
  /** Bearer tokens as `sha256:<hex>` digests (`harp hash-password --token`). @default [] */
  readonly bearerTokens: readonly string[];
  /** When not empty, only clients in these addresses or CIDR blocks pass. @default [] */
  readonly allowIps: readonly string[];
  /** Clients in these addresses or CIDR blocks never pass. @default [] */
  readonly denyIps: readonly string[];
}
