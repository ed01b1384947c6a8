import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'sqlite:./data/paved.db',
      host: '127.0.0.1',
      port: 3000,
      baseUrl: 'http://127.0.0.1:3000',
      logLevel: 'info',
    });
  });

  it('reads every variable and trims a trailing slash from the base URL', () => {
    const config = loadConfig({
      PAVED_DATABASE_URL: 'postgres://paved@db:5432/paved',
      PAVED_HOST: '0.0.0.0',
      PAVED_PORT: '8080',
      PAVED_BASE_URL: 'https://paved.example.com/',
      PAVED_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://paved@db:5432/paved',
      host: '0.0.0.0',
      port: 8080,
      baseUrl: 'https://paved.example.com',
      logLevel: 'warn',
    });
  });

  it('brackets an IPv6 host in the default base URL', () => {
    expect(loadConfig({ PAVED_HOST: '::1', PAVED_PORT: '4000' }).baseUrl).toBe('http://[::1]:4000');
  });

  it('reports one message per bad variable, naming it and what it expects', () => {
    let error: unknown;
    try {
      loadConfig({
        PAVED_DATABASE_URL: 'mysql://x',
        PAVED_PORT: '70000',
        PAVED_BASE_URL: 'not a url',
        PAVED_LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^PAVED_DATABASE_URL="mysql:\/\/x" is not valid: expected sqlite:/);
    expect(problems[1]).toMatch(/^PAVED_PORT="70000" .*a port number from 0 to 65535/);
    expect(problems[2]).toMatch(/^PAVED_BASE_URL="not a url"/);
    expect(problems[3]).toMatch(/^PAVED_LOG_LEVEL="loud" .*one of fatal, error/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PAVED_PORT: '' }).port).toBe(3000);
  });
});
