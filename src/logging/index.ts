export { HarpLoggingModule } from './logging.module.js';
export type { HarpLoggingOptions } from './logging-options.js';
export { HarpLogger, createHarpLogger } from './root-logger.js';
export { AccessLog, ACCESS_MESSAGE, accessRecord, type AccessRecord } from './access-log.js';
export { REDACT_PATHS } from './redaction.js';
export { SecretScrubber } from './secret-scrubber.js';
export { QuietBootLogger } from './quiet-boot-logger.js';
