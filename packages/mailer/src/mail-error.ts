interface SmtpErrorShape {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * Why a message did not go out, in words a requester can read, and whether trying again can help:
 * a 5xx reply is the server's final word; a 4xx reply, a refused connection or a time-out are not.
 */
export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    message: string,
    readonly isPermanent: boolean,
    options?: { cause?: unknown; responseCode?: number },
  ) {
    super(message, options);
    this.responseCode = options?.responseCode;
  }

  /** The SMTP reply code, when the server gave one (552: the message is too large). */
  readonly responseCode: number | undefined;

  static badRecipient(address: string): MailError {
    return new MailError(`the recipient ${JSON.stringify(address)} is not one plain email address`, true);
  }

  static from(error: unknown): MailError {
    const e = error as SmtpErrorShape;
    const reply = e.response ? e.response.replace(/\s+/g, ' ').slice(0, 300) : undefined;
    if (e.responseCode !== undefined && e.responseCode >= 500) {
      return new MailError(`the mail server refused the message: ${reply ?? e.responseCode}`, true, {
        cause: error,
        responseCode: e.responseCode,
      });
    }
    if (e.responseCode !== undefined && e.responseCode >= 400) {
      return new MailError(`the mail server deferred the message: ${reply ?? e.responseCode}`, false, {
        cause: error,
        responseCode: e.responseCode,
      });
    }
    if (e.code === 'EAUTH') return new MailError('the mail server did not accept our login', true, { cause: error });
    return new MailError(`the mail server could not be reached (${e.code ?? 'error'})`, false, { cause: error });
  }
}
