import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@fluxquery/errors';
import { createFailureClassifier } from './export-failure';

async function* rows(failWith?: Error): AsyncGenerator<Buffer> {
  yield Buffer.from('a,b\r\n');
  if (failWith) throw failWith;
  yield Buffer.from('1,2\r\n');
}

const sink = (failWith?: Error) =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback(failWith ?? null);
    },
  });

describe('export failures', () => {
  it('calls a bug in the pipeline INTERNAL, not retried, even though the storage stream is torn down with it', async () => {
    const failures = createFailureClassifier();
    const bug = new TypeError("Cannot read properties of undefined (reading 'kind')");
    const error = await pipeline(Readable.from(failures.watchSource(rows(bug))), sink()).catch((e: unknown) => e);
    expect(error).toBe(bug);
    expect(failures.classify(error)).toMatchObject({ code: 'INTERNAL', retryable: false, cause: bug });
  });

  it('calls a fault of the store STORAGE_FAILED, retried', async () => {
    const failures = createFailureClassifier();
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const error = await pipeline(Readable.from(failures.watchSource(rows())), sink(diskFull)).catch((e: unknown) => e);
    expect(failures.classify(error)).toMatchObject({ code: 'STORAGE_FAILED', retryable: true, cause: diskFull });
  });

  it('keeps the code of an error that already has one', () => {
    const tooLarge = new AppError('EXPORT_TOO_LARGE', 'too large');
    expect(createFailureClassifier().classify(tooLarge)).toBe(tooLarge);
  });
});
