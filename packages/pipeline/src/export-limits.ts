import { AppError } from '@fluxquery/errors';

/** Passes the batches on until more than `maxRows` rows have come; then the export fails, and the query is stopped. */
export async function* capRows<T>(batches: AsyncIterable<T[]>, maxRows: number): AsyncGenerator<T[]> {
  let rows = 0;
  for await (const batch of batches) {
    rows += batch.length;
    if (rows > maxRows) throw tooLarge(`the query returned more than ${maxRows} rows`);
    yield batch;
  }
}

export function tooLarge(what: string): AppError {
  return new AppError(
    'EXPORT_TOO_LARGE',
    `${what}, the limit for this key; narrow the query or ask for a higher limit`,
  );
}
