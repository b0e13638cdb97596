// Jest runs in its native ESM mode (Nest 12 ships ESM only), TypeScript through @swc/jest.
import { SWC_OPTIONS as swc } from './test/swc-options.js';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testTimeout: 30000,
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/memory-first-sequencer.js',
};
