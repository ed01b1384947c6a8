import { z } from 'zod';

/** Deployment settings, read from PAVED_* environment variables. */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  baseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown when the environment holds bad values; one message per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`paved cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Each variable names what it expects, so a bad value explains itself.
const variables = {
  PAVED_DATABASE_URL: {
    schema: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/)
      .default('sqlite:./data/paved.db'),
    expects: 'sqlite:<path> or postgres://user@host:port/database',
  },
  PAVED_HOST: {
    schema: z
      .string()
      .regex(/^[0-9a-zA-Z.:\-[\]]+$/)
      .default('127.0.0.1'),
    expects: 'an address to listen on, such as 127.0.0.1 or 0.0.0.0',
  },
  PAVED_PORT: {
    schema: z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .default(3000),
    expects: 'a port number from 0 to 65535',
  },
  PAVED_BASE_URL: {
    schema: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    expects: 'the public address of paved, such as https://paved.example.com',
  },
  PAVED_LOG_LEVEL: {
    schema: z.enum(LOG_LEVELS).default('info'),
    expects: `one of ${LOG_LEVELS.join(', ')}`,
  },
} as const;

type Env = Record<string, string | undefined>;

/** Reads and validates the deployment settings; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, { schema, expects }] of Object.entries(variables)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)} is not valid: expected ${expects}.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const host = values.PAVED_HOST as string;
  const port = values.PAVED_PORT as number;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    databaseUrl: values.PAVED_DATABASE_URL as string,
    host,
    port,
    baseUrl: (values.PAVED_BASE_URL as string | undefined) ?? `http://${urlHost}:${port}`,
    logLevel: values.PAVED_LOG_LEVEL as Config['logLevel'],
  };
}
