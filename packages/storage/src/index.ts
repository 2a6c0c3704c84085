export {
  assertSafeKey,
  contentDisposition,
  type ByteRange,
  type CommitInfo,
  type DownloadOptions,
  type Storage,
  type StorageKind,
  type StorageWriter,
  type StoredObject,
  type WriteOptions,
} from './storage';
export { createLocalStorage, type LocalStorage, type LocalStorageOptions } from './local-storage';
// Types only: the S3 adapter (and the AWS SDK) is loaded by createStorage when it is chosen.
export type { S3Storage, S3StorageOptions } from './s3-storage';
export { createStorage, type AnyStorage, type StorageConfig } from './create-storage';
