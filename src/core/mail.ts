import nodemailer from 'nodemailer';
import type { Config } from './config.ts';

/** One plain-text message. paved sends no HTML mail: it reads the same in every client. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends email; `null` where no SMTP server is configured (paved then shows banners and the inbox only). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A mailer over PAVED_SMTP_URL, or null when it is not set. */
export function createMailer(config: Pick<Config, 'smtp'>): Mailer | null {
  if (!config.smtp) return null;
  const { url, from } = config.smtp;
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close() {
      transport.close();
    },
  };
}
