import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import { MailError } from './mail-error';
import { isPlainAddress } from '@fluxquery/request-rules';

export type MailerOptions =
  | {
      transport: 'smtp';
      host: string;
      port: number;
      /** TLS from the first byte (465); otherwise STARTTLS when offered. */
      secure: boolean;
      user?: string;
      pass?: string;
      from: string;
      /** Seconds to wait for a connection, the greeting and each reply. */
      timeoutMs?: number;
    }
  /** Development with no SMTP_HOST: each message becomes an .eml file in `dir`. */
  | { transport: 'file'; dir: string; from: string }
  /** Production with no SMTP_HOST: nothing is sent, and statuses say `disabled`. */
  | { transport: 'none'; from: string };

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (a subscription's List-Unsubscribe and List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** Streamed from storage into the message: never read whole into memory. */
  attachment?: { fileName: string; contentType: string; content: Readable };
}

export interface SentMail {
  transport: 'smtp' | 'file' | 'none';
  messageId?: string;
  /** The .eml file, for the file transport. */
  file?: string;
}

export interface Mailer {
  readonly transport: MailerOptions['transport'];
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

export function createMailer(options: MailerOptions): Mailer {
  if (options.transport === 'none') {
    return { transport: 'none', send: () => Promise.resolve({ transport: 'none' }), close: () => undefined };
  }
  const transporter: Transporter = createTransporter(options);
  return {
    transport: options.transport,
    async send(message) {
      // The api checked the address; a job read back from Redis is checked again before any mail leaves.
      if (!isPlainAddress(message.to)) throw MailError.badRecipient(message.to);
      const mail = {
        from: options.from,
        to: message.to,
        // An explicit envelope: the SMTP recipients are exactly this one address, whatever the headers say.
        envelope: { from: options.from, to: [message.to] },
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.headers ? { headers: message.headers } : {}),
        attachments: message.attachment
          ? [
              {
                filename: message.attachment.fileName,
                contentType: message.attachment.contentType,
                content: message.attachment.content,
              },
            ]
          : [],
      };
      try {
        const info = (await transporter.sendMail(mail)) as { messageId?: string; message?: Readable };
        if (options.transport === 'file') return { transport: 'file', ...(await saveEml(options.dir, info)) };
        return { transport: 'smtp', ...(info.messageId ? { messageId: info.messageId } : {}) };
      } catch (error) {
        throw MailError.from(error);
      } finally {
        message.attachment?.content.destroy();
      }
    },
    close: () => transporter.close(),
  };
}

function createTransporter(options: Exclude<MailerOptions, { transport: 'none' }>): Transporter {
  if (options.transport === 'file') {
    return nodemailer.createTransport({ streamTransport: true, buffer: false, newline: 'windows' });
  }
  const timeout = options.timeoutMs ?? 30_000;
  return nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    ...(options.user ? { auth: { user: options.user, pass: options.pass ?? '' } } : {}),
    // One pool per worker: connections are reused across deliveries instead of one handshake each.
    pool: true,
    maxConnections: 2,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
  });
}

async function saveEml(
  dir: string,
  info: { messageId?: string; message?: Readable },
): Promise<Omit<SentMail, 'transport'>> {
  await mkdir(dir, { recursive: true });
  const id = (info.messageId ?? String(Date.now())).replace(/[^A-Za-z0-9.@-]/g, '');
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
  if (info.message) await pipeline(info.message, createWriteStream(file));
  return { file, ...(info.messageId ? { messageId: info.messageId } : {}) };
}
