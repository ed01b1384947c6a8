import { pino } from 'pino';

export type Logger = pino.Logger;

/** JSON logs on stderr, so stdout stays free for a command's data. Never log request bodies. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'paved' },
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
    },
    pino.destination(2),
  );
}
