import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../test/smtp.ts';
import { loadConfig } from './config.ts';
import { createMailer } from './mail.ts';

describe('mail', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
  });

  it('sends nothing and needs nothing when PAVED_SMTP_URL is unset', () => {
    expect(createMailer(loadConfig({}))).toBeNull();
  });

  it('delivers a plain-text message through the configured SMTP server', async () => {
    const smtp = await startSmtpServer();
    stop = smtp.stop;
    const mailer = createMailer(
      loadConfig({ PAVED_SMTP_URL: smtp.url, PAVED_MAIL_FROM: 'paved@acme.example' }),
    );
    await mailer?.send({ to: 'ada@acme.example', subject: 'Q4 survey', text: 'Four minutes.' });
    mailer?.close();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.from).toBe('paved@acme.example');
    expect(smtp.messages[0]?.to).toEqual(['ada@acme.example']);
    expect(smtp.messages[0]?.raw).toContain('Subject: Q4 survey');
    expect(smtp.messages[0]?.raw).toContain('Four minutes.');
  });

  it('names a bad SMTP URL without echoing it, since it may hold a password', () => {
    expect(() => loadConfig({ PAVED_SMTP_URL: 'mail.example.com:25 secretpw' })).toThrow(
      /PAVED_SMTP_URL=\(value hidden\) is not valid: expected an SMTP URL/,
    );
  });
});
