import { redactValue } from './redact';

describe('redactValue', () => {
  it('hides secret-looking fields at any depth', () => {
    expect(
      redactValue({ apiSecret: 'x', nested: { smtpPass: 'y', headers: { 'x-signature': 'z' } }, rows: 3 }, 0),
    ).toEqual({
      apiSecret: '[REDACTED]',
      nested: { smtpPass: '[REDACTED]', headers: { 'x-signature': '[REDACTED]' } },
      rows: 3,
    });
  });

  it('hides passwords inside URLs and Go DSNs', () => {
    expect(redactValue('connecting to mysql://app:hunter2@db:3306/x', 0)).toBe(
      'connecting to mysql://app:[REDACTED]@db:3306/x',
    );
    expect(redactValue('app:hunter2@tcp(db:3306)/x', 0)).toBe('app:[REDACTED]@tcp(db:3306)/x');
  });
});
