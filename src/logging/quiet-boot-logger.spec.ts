import type { LoggerService } from '@nestjs/common';
import { QuietBootLogger } from './quiet-boot-logger.js';

function recording(): { inner: LoggerService; calls: string[] } {
  const calls: string[] = [];
  const at = (level: string) => (message: unknown, ...rest: unknown[]) => calls.push(`${level} ${String(message)} [${rest.join(',')}]`);
  const inner: LoggerService = { log: at('log'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('verbose'), fatal: at('fatal') };
  return { inner, calls };
}

describe('QuietBootLogger', () => {
  it.each(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController'])(
    "moves Nest's %s lines to debug",
    (context) => {
      const { inner, calls } = recording();
      new QuietBootLogger(inner).log('AppModule dependencies initialized', context);
      expect(calls).toEqual([`debug AppModule dependencies initialized [${context}]`]);
    },
  );

  it("keeps HARP's own lines and every other level as they are", () => {
    const { inner, calls } = recording();
    const logger = new QuietBootLogger(inner);
    logger.log('agent a1 connected', 'Registration');
    logger.log('no context');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('slow', 'InstanceLoader');
    logger.error('boom', 'stack', 'Proxy');
    expect(calls).toEqual(['log agent a1 connected [Registration]', 'log no context []', 'log Nest application successfully started [NestApplication]', 'warn slow [InstanceLoader]', 'error boom [stack,Proxy]']);
  });
});
