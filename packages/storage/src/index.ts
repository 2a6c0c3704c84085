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
export { createS3Storage, explainS3Error, type S3Storage, type S3StorageOptions } from './s3-storage';
export { createStorage, type AnyStorage, type StorageConfig } from './create-storage';
