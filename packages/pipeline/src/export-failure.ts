import { AppError, isAppError } from '@fluxquery/errors';

/**
 * Tells a storage fault (retried: a disk or S3 can recover) from a fault in our own pipeline (not
 * retried: a bug fails the same way again). Errors thrown by the rows' side of the pipeline are
 * marked as they pass; `pipeline` then destroys the storage stream with the same error, so only the
 * mark tells where it began. Errors that are already AppErrors keep their own code.
 */
export function createFailureClassifier(): {
  /** Wraps the encoder's output: anything it throws is a pipeline fault. */
  watchSource<T>(source: AsyncIterable<T>): AsyncIterable<T>;
  classify(error: unknown): AppError;
} {
  const fromSource = new WeakSet<object>();
  return {
    async *watchSource<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
      const iterator = source[Symbol.asyncIterator]();
      let isDone = false;
      try {
        for (;;) {
          let step: IteratorResult<T>;
          try {
            step = await iterator.next();
          } catch (error) {
            // Thrown by the source itself. (An error the storage side injects at the `yield` below,
            // when pipeline tears everything down, passes through unmarked.)
            isDone = true;
            if (error !== null && typeof error === 'object') fromSource.add(error);
            throw error;
          }
          if (step.done) {
            isDone = true;
            return;
          }
          yield step.value;
        }
      } finally {
        if (!isDone) await iterator.return?.();
      }
    },
    classify(error) {
      if (isAppError(error)) return error;
      if (error !== null && typeof error === 'object' && fromSource.has(error)) {
        return new AppError('INTERNAL', 'the export failed unexpectedly', { cause: error });
      }
      return new AppError('STORAGE_FAILED', 'the export file could not be written', { cause: error });
    },
  };
}
