import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './net.ts';

export const ROLE_NAMES = ['admin', 'platform', 'leader', 'developer'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** Deployment settings, read from PAVED_* environment variables. */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  baseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The server secret, when given in the environment (otherwise a key file is used; see core/secret). */
  secret?: string;
  /** Load balancers and proxies whose X-Forwarded-For and identity headers paved believes. */
  trustedProxies: TrustedProxies;
  /** Single sign-on through a trusted proxy; off unless an identity header is named. */
  sso: {
    header: string;
    groupsHeader?: string;
    /** Group name → role, for users created at first sign-in. */
    groupRoles: Record<string, RoleName>;
  } | null;
  sessionIdleHours: number;
  sessionMaxDays: number;
  /** Outgoing email (survey invitations, feedback updates); null sends none. */
  smtp: { url: string; from: string } | null;
  /** GitHub webhook secrets from the environment: the current one and, during a rotation, the previous one. */
  githubWebhookSecrets: string[];
  /** Prometheus `/metrics`: a bearer token for the main port, and/or a port of its own on 127.0.0.1; both null serve nothing. */
  metrics: { token: string | null; port: number | null };
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
  PAVED_SECRET: {
    schema: z.string().min(32).optional(),
    expects: 'at least 32 random characters (or leave it unset to use a key file)',
  },
  PAVED_TRUSTED_PROXIES: {
    schema: z.string().default(''),
    expects: 'comma-separated addresses or CIDRs, such as 10.0.0.0/8,fd00::/8',
  },
  PAVED_SSO_HEADER: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    expects: 'a header name such as X-Forwarded-Email',
  },
  PAVED_SSO_GROUPS_HEADER: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    expects: 'a header name such as X-Forwarded-Groups',
  },
  PAVED_SSO_GROUP_ROLES: {
    schema: z
      .string()
      .regex(/^\s*([^=,\s]+\s*=\s*(admin|platform|leader|developer)\s*(,\s*|$))*$/)
      .default(''),
    expects: 'group=role pairs such as platform-team=platform,eng-leads=leader',
  },
  PAVED_ALLOW_ANY_PROXY: {
    schema: z.enum(['true', 'false']).default('false'),
    expects: 'true or false',
  },
  PAVED_SESSION_IDLE_HOURS: {
    schema: z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(168))
      .default(8),
    expects: 'hours from 1 to 168',
  },
  PAVED_SESSION_MAX_DAYS: {
    schema: z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(90))
      .default(7),
    expects: 'days from 1 to 90',
  },
  PAVED_SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\/\S+$/)
      .optional(),
    expects: 'an SMTP URL such as smtp://user:password@mail.example.com:587 (smtps:// for TLS)',
  },
  PAVED_MAIL_FROM: {
    schema: z.string().email().optional(),
    expects: 'the address paved sends email from, such as paved@example.com',
  },
  PAVED_GITHUB_WEBHOOK_SECRET: {
    schema: z.string().min(16).optional(),
    expects: 'the secret set on the GitHub webhook, at least 16 characters',
  },
  PAVED_GITHUB_WEBHOOK_SECRET_PREVIOUS: {
    schema: z.string().min(16).optional(),
    expects: 'the GitHub webhook secret being rotated out, at least 16 characters',
  },
  PAVED_METRICS_TOKEN: {
    schema: z.string().min(16).optional(),
    expects: 'a bearer token of at least 16 characters for Prometheus to scrape /metrics with',
  },
  PAVED_METRICS_PORT: {
    schema: z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .optional(),
    expects: 'a port number from 0 to 65535 for /metrics on 127.0.0.1 only',
  },
} as const;

type Env = Record<string, string | undefined>;

const SECRET_VARIABLES = new Set([
  'PAVED_SECRET',
  'PAVED_SMTP_URL',
  'PAVED_GITHUB_WEBHOOK_SECRET',
  'PAVED_GITHUB_WEBHOOK_SECRET_PREVIOUS',
  'PAVED_METRICS_TOKEN',
]);

/** Reads and validates the deployment settings; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, { schema, expects }] of Object.entries(variables)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else {
      // Variables that carry secrets are named but never echoed.
      const shown = SECRET_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown} is not valid: expected ${expects}.`);
    }
  }
  const { proxies, problems: proxyProblems } = parseTrustedProxies(
    values.PAVED_TRUSTED_PROXIES as string,
  );
  for (const p of proxyProblems) problems.push(`PAVED_TRUSTED_PROXIES: ${p}.`);
  const ssoHeader = values.PAVED_SSO_HEADER as string | undefined;
  if (ssoHeader && proxyProblems.length === 0) {
    // Identity headers are only as trustworthy as the list of peers allowed to send them.
    if (proxies.entries.length === 0) {
      problems.push(
        'PAVED_SSO_HEADER is set but PAVED_TRUSTED_PROXIES is empty: name the proxies that sign people in.',
      );
    } else if (proxies.catchAll && values.PAVED_ALLOW_ANY_PROXY !== 'true') {
      problems.push(
        'PAVED_TRUSTED_PROXIES trusts (nearly) every address (such as 0.0.0.0/0, ::/0 or all of ::ffff:0:0/96), so anyone could claim any identity; list your proxies, or set PAVED_ALLOW_ANY_PROXY=true if the network guarantees it.',
      );
    }
  }
  const metricsPort = values.PAVED_METRICS_PORT as number | undefined;
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === values.PAVED_PORT) {
    problems.push('PAVED_METRICS_PORT is the same as PAVED_PORT: give /metrics a port of its own.');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const groupRoles: Record<string, RoleName> = {};
  for (const pair of (values.PAVED_SSO_GROUP_ROLES as string).split(',')) {
    const [group, role] = pair.split('=').map((x) => x.trim());
    if (group && role) groupRoles[group] = role as RoleName;
  }
  const host = values.PAVED_HOST as string;
  const port = values.PAVED_PORT as number;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    databaseUrl: values.PAVED_DATABASE_URL as string,
    host,
    port,
    baseUrl: (values.PAVED_BASE_URL as string | undefined) ?? `http://${urlHost}:${port}`,
    logLevel: values.PAVED_LOG_LEVEL as Config['logLevel'],
    secret: values.PAVED_SECRET as string | undefined,
    trustedProxies: proxies,
    sso: ssoHeader
      ? {
          header: ssoHeader.toLowerCase(),
          groupsHeader: (values.PAVED_SSO_GROUPS_HEADER as string | undefined)?.toLowerCase(),
          groupRoles,
        }
      : null,
    sessionIdleHours: values.PAVED_SESSION_IDLE_HOURS as number,
    sessionMaxDays: values.PAVED_SESSION_MAX_DAYS as number,
    smtp: values.PAVED_SMTP_URL
      ? {
          url: values.PAVED_SMTP_URL as string,
          from: (values.PAVED_MAIL_FROM as string | undefined) ?? 'paved@localhost',
        }
      : null,
    githubWebhookSecrets: [
      values.PAVED_GITHUB_WEBHOOK_SECRET,
      values.PAVED_GITHUB_WEBHOOK_SECRET_PREVIOUS,
    ].filter((v): v is string => typeof v === 'string'),
    metrics: {
      token: (values.PAVED_METRICS_TOKEN as string | undefined) ?? null,
      port: metricsPort ?? null,
    },
  };
}
