export { assertSafeKey, type Storage, type StorageWriter, type StoredObject, type WriteOptions } from './storage';
export { createLocalStorage, type LocalStorageOptions } from './local-storage';
