/** `--log-format`: `text` (lines for people; a live status block on a terminal) or `json` (one object per line). */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export const isLogFormat = (raw: string): raw is LogFormat => (LOG_FORMATS as readonly string[]).includes(raw);
