// How TypeScript becomes JavaScript for the tests: Jest (@swc/jest) and the child processes
// that run the proxy from source (test/helpers/swc-hooks.js) use the same options. swc strips
// types and emits the legacy decorators and metadata Nest's dependency injection needs.
export const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
