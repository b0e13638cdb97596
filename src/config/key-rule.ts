/**
 * An operator rule binding one agent key to the routes it may claim.
 *
 * Rules are trusted input (they come from the operator's configuration), so they may use regular
 * expressions; the routes agents send are plain host patterns and path prefixes that are checked
 * against these expressions (see `mayClaim` in `src/registration/key-rules.ts`).
 */
export interface KeyRule {
  /** Stable name of the rule, used in logs and the admin API; never the key itself. */
  readonly id: string;
  /** The secret an agent presents when it connects. */
  readonly key: string;
  /**
   * Regular-expression sources, each matched against the whole host pattern an agent registers
   * (`api.example.com`, `*.example.com`, `*`), case-insensitively.
   * @default ['.*']
   */
  readonly hosts: readonly string[];
  /**
   * Regular-expression sources, each matched against the whole path prefix an agent registers
   * (`/api`).
   * @default ['.*']
   */
  readonly paths: readonly string[];
  /**
   * Whether this key's agents may ask for visitor access rules on their routes (Basic users,
   * bearer tokens, IP lists: `harp http --basic-auth`). Such rules only add demands to the
   * operator's. Unset: false for a rule of `keys`, true for the rule made from `key`.
   */
  readonly agentAccess?: boolean;
}
