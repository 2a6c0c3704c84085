// An SMTP catcher for the compose test, in Mailpit's place: smtp-server on SMTP_PORT (any login
// accepted), each message parsed by mailparser and kept in memory; GET /messages on HTTP_PORT lists
// them as JSON (attachments base64), DELETE /messages forgets them.
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');
const http = require('node:http');

const messages = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onAuth: (_auth, _session, callback) => callback(null, { user: 'any' }),
  onData(stream, _session, callback) {
    simpleParser(stream).then(
      (mail) => {
        messages.push({
          from: mail.from?.text,
          to: mail.to?.text,
          subject: mail.subject,
          text: mail.text,
          html: mail.html || undefined,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content.toString('base64'),
          })),
        });
        callback();
      },
      (error) => callback(error),
    );
  },
});
smtp.listen(Number(process.env.SMTP_PORT || 1025), '127.0.0.1');

const api = http.createServer((req, res) => {
  if (req.url !== '/messages') return res.writeHead(404).end();
  if (req.method === 'DELETE') messages.length = 0;
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(messages));
});
api.listen(Number(process.env.HTTP_PORT || 8025), '127.0.0.1');
process.on('SIGTERM', () => smtp.close(() => api.close(() => process.exit(0))));
