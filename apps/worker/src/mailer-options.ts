import type { Config } from '@fluxquery/config';
import type { MailerOptions } from '@fluxquery/mailer';

/** SMTP when SMTP_HOST is set; otherwise .eml files in development, and no mail at all in production. */
export function mailerOptionsFor(config: Pick<Config, 'smtp' | 'appEnv' | 'mailOutboxDir'>): MailerOptions {
  const { smtp } = config;
  if (smtp.host) {
    return {
      transport: 'smtp',
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { user: smtp.user } : {}),
      ...(smtp.pass ? { pass: smtp.pass } : {}),
      from: smtp.from,
    };
  }
  if (config.appEnv === 'production') return { transport: 'none', from: smtp.from };
  return { transport: 'file', dir: config.mailOutboxDir, from: smtp.from };
}
