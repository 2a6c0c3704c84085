// Where files go: the Storage interface and createStorage over local disk (partial file, fsync,
// atomic rename, retention) and S3 (our multipart upload, sha256, presigned GET); one contract
// suite (storage.contract.ts) both pass. Imports nothing of ours.
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
