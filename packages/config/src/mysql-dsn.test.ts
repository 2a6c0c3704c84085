import { parseMysqlDsn } from './mysql-dsn';

describe('parseMysqlDsn', () => {
  it.each([
    [
      'root:@tcp(127.0.0.1:3306)/fluxquery?parseTime=true',
      { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'fluxquery' },
    ],
    [
      'app:p@ss:w@rd@tcp(db.internal:3307)/sales',
      { host: 'db.internal', port: 3307, user: 'app', password: 'p@ss:w@rd', database: 'sales' },
    ],
    ['reader@tcp([::1]:3306)/x', { host: '::1', port: 3306, user: 'reader', password: '', database: 'x' }],
    ['u:p@/db', { host: '127.0.0.1', port: 3306, user: 'u', password: 'p', database: 'db' }],
    [
      'mysql://app:s%40cret@db:3310/sales?ssl=false',
      { host: 'db', port: 3310, user: 'app', password: 's@cret', database: 'sales' },
    ],
    ['mariadb://root@localhost/demo', { host: 'localhost', port: 3306, user: 'root', password: '', database: 'demo' }],
  ])('reads %s', (dsn, expected) => {
    expect(parseMysqlDsn(dsn)).toEqual(expected);
  });

  it('reads a unix socket address', () => {
    expect(parseMysqlDsn('root@unix(/run/mysqld/mysqld.sock)/demo').socketPath).toBe('/run/mysqld/mysqld.sock');
  });

  it('maps tls=skip-verify to an unverified TLS connection', () => {
    expect(parseMysqlDsn('u:p@tcp(h:1)/d?tls=skip-verify').tls).toEqual({ rejectUnauthorized: false });
  });

  it.each([
    ['postgres://u:p@h/d', /mysql:\/\/ scheme/],
    ['u:p@tcp(h:3306)/', /names no database/],
    ['u:p@tcp(h:99999)/d', /invalid port/],
    ['u:p@udp(h:1)/d', /address part/],
    ['just-a-word', /neither/],
    ['u:p@tcp(h:1)/d?tls=maybe', /unsupported tls/],
  ])('refuses %s', (dsn, message) => {
    expect(() => parseMysqlDsn(dsn)).toThrow(message);
  });

  it('never puts the password in its error message', () => {
    expect(() => parseMysqlDsn('u:hunter2@tcp(h:99999)/d')).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('hunter2') }),
    );
  });
});
