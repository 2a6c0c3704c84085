import { startTestSmtp, type TestSmtp } from '@fluxquery/testkit';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createMailer, type Mailer } from './mailer';
import { MailError } from './mail-error';
import { encodedMessageBytes } from './messages';

const from = 'exports@fluxquery.test';
const message = { subject: 's', text: 't', html: '<p>h</p>' };

describe('mailer over real SMTP', () => {
  let smtp: TestSmtp;
  let mailer: Mailer;
  beforeAll(async () => {
    smtp = await startTestSmtp({ maxMessageBytes: 2_000_000 });
    mailer = createMailer({
      transport: 'smtp',
      host: smtp.host,
      port: smtp.port,
      secure: false,
      from,
      timeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  it('streams an attachment into the message, and our size estimate covers what crossed the wire', async () => {
    const file = randomBytes(1_000_000);
    await mailer.send({
      to: 'one@example.com',
      ...message,
      attachment: { fileName: 'x.bin', contentType: 'application/octet-stream', content: Readable.from([file]) },
    });
    const mail = await smtp.waitForMessage('one@example.com');
    expect(mail.parsed.attachments[0]?.content.equals(file)).toBe(true);
    expect(mail.size).toBeGreaterThan(1.3 * file.length);
    expect(encodedMessageBytes(file.length)).toBeGreaterThanOrEqual(mail.size);
  });

  it('sends to exactly the recipient it was given, whatever else the headers could say', async () => {
    await mailer.send({ to: 'two@example.com', ...message });
    const mail = await smtp.waitForMessage('two@example.com');
    expect(mail.envelope).toEqual({ from, to: ['two@example.com'] });
  });

  it.each(['a@x.com\r\nBcc: evil@y.com', 'a@x.com, evil@y.com', '"a@x.com" <evil@y.com>', 'undisclosed:evil@y.com;'])(
    'refuses the recipient %j before anything is sent',
    async (to) => {
      const count = smtp.messages.length;
      await expect(mailer.send({ to, ...message })).rejects.toMatchObject({ isPermanent: true });
      expect(smtp.messages.length).toBe(count);
    },
  );

  it('reads a size refusal (552) as permanent, with its code', async () => {
    const error = await mailer
      .send({
        to: 'big@example.com',
        ...message,
        attachment: {
          fileName: 'big.bin',
          contentType: 'application/octet-stream',
          content: Readable.from([randomBytes(1_600_000)]),
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error).toMatchObject({ isPermanent: true, responseCode: 552 });
  });

  it('reads a refused connection as transient', async () => {
    const down = createMailer({ transport: 'smtp', host: '127.0.0.1', port: 1, secure: false, from, timeoutMs: 2_000 });
    await expect(down.send({ to: 'x@example.com', ...message })).rejects.toMatchObject({
      isPermanent: false,
      message: expect.stringMatching(/could not be reached/),
    });
    down.close();
  });
});
