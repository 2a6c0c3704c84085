import { createLocalStorage, type LocalStorage, type LocalStorageOptions } from './local-storage';
import type { S3Storage, S3StorageOptions } from './s3-storage';

/** STORAGE_TYPE and its settings; a third store is one more member here and one more file. */
export type StorageConfig = ({ kind: 'local' } & LocalStorageOptions) | ({ kind: 's3' } & S3StorageOptions);

export type AnyStorage = LocalStorage | S3Storage;

export function createStorage(config: StorageConfig): AnyStorage {
  switch (config.kind) {
    case 'local':
      return createLocalStorage(config);
    case 's3': {
      // Loaded only when S3 is used: the AWS SDK adds about 20 MB to every process that imports it
      // (worker peak RSS at 1 M rows: 131 MB with it, for local storage that never calls it).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createS3Storage } = require('./s3-storage') as {
        createS3Storage: (options: S3StorageOptions) => S3Storage;
      };
      return createS3Storage(config);
    }
  }
}
