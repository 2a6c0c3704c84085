export { createMailer, type Mailer, type MailerOptions, type MailMessage, type SentMail } from './mailer';
export { MailError } from './mail-error';
export {
  composeReadyMail,
  composeFailedMail,
  encodedMessageBytes,
  formatBytes,
  type ReadyFile,
  type ReadyDelivery,
  type FailedExport,
  type ComposedMail,
} from './messages';
