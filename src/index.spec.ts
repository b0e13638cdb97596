import * as harp from './index.js';

// What an application that embeds HARP imports: every module, and the services it may inject.
describe('the package entry point', () => {
  it.each([
    'HarpModule',
    'HarpConfigModule',
    'AdminModule',
    'DashboardModule',
    'HealthModule',
    'InspectorModule',
    'LiveEventsModule',
    'MetricsModule',
    'ProxyModule',
    'RegistrationModule',
    'RoutingModule',
    'ExchangeEventsModule',
    'InspectorService',
    'LiveEventsService',
    'ExchangeEvents',
    'HarpWsAdapter',
    'startHarpServer',
  ])('exports %s', (name) => {
    expect(typeof (harp as Record<string, unknown>)[name]).toBe('function');
  });
});
