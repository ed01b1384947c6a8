import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * JSON logs on stderr, so stdout stays free for a command's data. Never log request bodies.
 * Tests pass a destination to read what was logged.
 */
export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { service: 'paved' },
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
    },
    destination,
  );
}
