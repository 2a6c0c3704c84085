import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { waitFor } from './wait-for';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** Size of the message as it crossed the wire, in bytes. */
  size: number;
  parsed: ParsedMail;
}

export interface TestSmtp {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Every failed attempt the server answered with an error, as `code message`. */
  refusals: string[];
  /** Resolves with the first message to `to` (waits for it to arrive). */
  waitForMessage(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** The SIZE limit the server announces and enforces (552 above it), as real servers do. */
  maxMessageBytes?: number;
  /** Refuses a message after its data arrived, e.g. `{ code: 550, message: 'mailbox unavailable' }`. */
  refuse?(session: SMTPServerSession): { code: number; message: string } | undefined;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message, parsed by mailparser. */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const refusals: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...(options.maxMessageBytes ? { size: options.maxMessageBytes } : {}),
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refuse = (code: number, message: string): void => {
          refusals.push(`${code} ${message}`);
          callback(Object.assign(new Error(message), { responseCode: code }));
        };
        if (stream.sizeExceeded) return refuse(552, 'message exceeds the size limit');
        const refusal = options.refuse?.(session);
        if (refusal) return refuse(refusal.code, refusal.message);
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              },
              size: raw.length,
              parsed,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    refusals,
    waitForMessage(to, timeoutMs = 30_000) {
      return waitFor(() => Promise.resolve(messages.find((m) => m.envelope.to.includes(to))), timeoutMs);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
