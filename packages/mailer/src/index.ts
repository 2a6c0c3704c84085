// Email through nodemailer: pooled SMTP, a development .eml outbox, or none; the ready and failed
// messages, the encoded-size estimate that decides attachment or link, SMTP replies read as
// permanent or transient. Imports request-rules (the address rule, checked again before sending).
export { createMailer, type Mailer, type MailerOptions, type MailMessage, type SentMail } from './mailer';
export { MailError } from './mail-error';
export {
  composeReadyMail,
  composeFailedMail,
  composePausedMail,
  withSubscription,
  type SubscriptionFacts,
  encodedMessageBytes,
  type ReadyFile,
  type ReadyDelivery,
  type FailedExport,
  type ComposedMail,
} from './messages';
