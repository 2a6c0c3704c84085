import { createHarness, type Harness } from './harness';

// Every MySQL type the type policy names, with edge values, and a row of NULLs.
const TYPES_TABLE = `CREATE TABLE every_type (
  id INT PRIMARY KEY, flag TINYINT(1), big BIGINT UNSIGNED, price DECIMAL(10,2), exact DECIMAL(30,10),
  ratio FLOAT, precise DOUBLE, day DATE, moment DATETIME(3), stamp TIMESTAMP(3) NULL, took TIME, yr YEAR,
  code CHAR(3), note TEXT, mood ENUM('happy','sad'), tags SET('a','b','c'), doc JSON, blob_col BLOB,
  bin BINARY(4), bits BIT(10), id_again INT
) CHARSET utf8mb4`;
const TYPES_ROWS = `INSERT INTO every_type VALUES
  (1, 1, 18446744073709551615, -20.00, 12345678901234567890.0123456789, 0.1, 3.141592653589793,
   '2026-02-28', '2026-02-28 23:59:59.123', '2026-01-01 12:00:00.500', '-838:59:59', 2026,
   'abc', '=HYPERLINK("http://evil.example")', 'happy', 'a,c', '{"id": 12345678901234567890, "formula": "=1+1"}',
   x'00ff10', x'DEADBEEF', b'1000000001', 1),
  (2, 0, 9007199254740993, 0.01, -0.0000000001, -1.5e10, -2.5e-300, '1000-01-01', '1970-01-01 00:00:00.000',
   '2038-01-19 03:14:07.999', '12:30:15', 1901, 'x,"', 'Zoë 🚀\\r\\nline "two"', 'sad', '', '[]',
   x'', x'00000000', b'0', 2),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL,
   NULL, NULL, NULL)`;

/** A harness whose database holds `every_type`, with a worker running. */
export async function createEveryTypeHarness(label: string): Promise<Harness> {
  const harness = await createHarness(label);
  await harness.testDb.db.query(TYPES_TABLE);
  await harness.testDb.db.query(TYPES_ROWS);
  harness.startWorker();
  return harness;
}
