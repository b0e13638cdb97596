// ESLint over everything that ships or tests HARP: TypeScript in src/, test/ and bench/, the
// dashboard's browser scripts and the plain Node scripts. Module boundaries are checked by
// dependency-cruiser (.dependency-cruiser.cjs), not here. Not type-aware: the type-checked
// presets take four times as long, and `npm run typecheck` already runs tsc over the same files.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'test-output/', 'coverage/']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `const { host: _host, ...rest } = obj` is how the code drops a key from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      // A callback declared before the one assignment it reads (a server handler that calls a
      // function set once the agent exists) needs `let`; `const` cannot be declared that early.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read the admin API's and the event stream's JSON answers untyped and let expect()
    // check their shape; typing every answer would only restate the assertions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Served as-is to the browser (no build step).
    files: ['src/dashboard/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Jest's sequencer, the `harp` launcher and the tool configs run under Node.
    files: ['test/**/*.js', 'bin/**/*.js', '*.js', '*.cjs'],
    languageOptions: { globals: globals.node },
  },
);
