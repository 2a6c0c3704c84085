import { SingleBar } from 'cli-progress';
import { formatBytes } from '@fluxquery/byte-size';

interface ProgressUpdate {
  rows: number;
  bytes: number;
  /** EXPLAIN's guess at the total; with it, a bar, a percentage and an ETA. */
  estimatedRows?: number | undefined;
  /** A word in front, such as the job's status. */
  label?: string;
}

export interface Progress {
  update(progress: ProgressUpdate): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 2_000;

/**
 * What an export's progress looks like: a live bar (cli-progress) on a terminal; in a pipe or a
 * log, a plain line every 2 seconds, so that cron mail and CI logs stay readable.
 */
export function createProgress(stream: NodeJS.WriteStream): Progress {
  const startedAt = Date.now();
  const rate = (rows: number) => Math.round((rows * 1000) / Math.max(1, Date.now() - startedAt));
  if (!stream.isTTY) {
    let lastAt = startedAt;
    return {
      update(p) {
        if (Date.now() - lastAt < PLAIN_EVERY_MS) return;
        lastAt = Date.now();
        const percent = p.estimatedRows ? ` ~${Math.min(99, Math.floor((p.rows * 100) / p.estimatedRows))}%` : '';
        const label = p.label ? `${p.label} ` : '';
        stream.write(`${label}${p.rows} rows, ${formatBytes(p.bytes)}, ${rate(p.rows)} rows/s${percent}\n`);
      },
      stop() {},
    };
  }
  let bar: SingleBar | undefined;
  return {
    update(p) {
      const payload = { label: p.label ?? 'export', size: formatBytes(p.bytes), speed: rate(p.rows) };
      if (!bar) {
        const format = p.estimatedRows
          ? '{label} |{bar}| {percentage}% | {value}/{total} rows | {speed} rows/s | {size} | ETA {eta_formatted}'
          : '{label} | {value} rows | {speed} rows/s | {size}';
        bar = new SingleBar({ format, stream, hideCursor: true, etaBuffer: 20, clearOnComplete: false });
        bar.start(p.estimatedRows ?? 0, p.rows, payload);
      }
      // The estimate can be low (a stale statistic): the total grows rather than pass 100%.
      if (p.estimatedRows && p.rows > bar.getTotal()) bar.setTotal(p.rows);
      bar.update(p.rows, payload);
    },
    stop() {
      bar?.stop();
    },
  };
}
