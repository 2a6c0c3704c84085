import { createLocalStorage, type LocalStorage, type LocalStorageOptions } from './local-storage';
import { createS3Storage, type S3Storage, type S3StorageOptions } from './s3-storage';

/** STORAGE_TYPE and its settings; a third store is one more member here and one more file. */
export type StorageConfig = ({ kind: 'local' } & LocalStorageOptions) | ({ kind: 's3' } & S3StorageOptions);

export type AnyStorage = LocalStorage | S3Storage;

export function createStorage(config: StorageConfig): AnyStorage {
  switch (config.kind) {
    case 'local':
      return createLocalStorage(config);
    case 's3':
      return createS3Storage(config);
  }
}
