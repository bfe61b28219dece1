import { type DestinationStream, pino, type Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { requestLogSerializer } from '../http/plugins/log-redaction.js';

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  // The audit export's stdout sink owns stdout: the log goes to stderr so the two never mix.
  const dest = destination ?? (config.audit.export.sinks.some((s) => s.type === 'stdout') ? pino.destination(2) : undefined);
  return pino({
    level: config.logLevel,
    // Secrets never reach the log, whatever a future log line includes.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password', 'csrfToken', 'mfaKey', '*.mfaKey', 'secret', '*.secret', 'Code', '*.Code'],
      censor: '[redacted]',
    },
    serializers: { req: requestLogSerializer },
  }, dest);
}
