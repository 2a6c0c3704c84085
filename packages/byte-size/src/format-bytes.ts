import bytes from 'bytes';

/**
 * `999 B`, `1.5 KB`, `5.0 MB`: whole bytes below 1 KB, one fixed decimal above (the export email's
 * size has always read `5.0 MB`; `bytes` alone would write `5 MB`, and `999.0 B` when fixed).
 */
export function formatBytes(size: number): string {
  if (Math.abs(size) < 1024) return `${size} B`;
  return bytes.format(size, { decimalPlaces: 1, fixedDecimals: true, unitSeparator: ' ' }) ?? `${size} B`;
}
