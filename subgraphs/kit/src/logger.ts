import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Callers log ids (request id, actor id, operation name), never a
 * personnummer, a name or variables: logs leave the agency's control more easily than its database.
 */
export function createLogger(service: string, options: { level?: string; destination?: { write(line: string): void } } = {}): Logger {
  const settings = { name: service, level: options.level ?? process.env.LOG_LEVEL ?? 'info', base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
export type { Logger };
