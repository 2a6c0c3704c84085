import { randomUUID } from 'node:crypto';

/**
 * Storage keys are random and dated, never derived from the request: no caller can guess another
 * caller's file or steer where it lands.
 */
export function createExportKey(extension: string, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  return `${day}/${randomUUID()}.${extension}`;
}

/** The name a person sees when the file is attached or downloaded. */
export function createFileName(extension: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `fluxquery-export-${stamp}.${extension}`;
}
