import { AppError } from '@fluxquery/errors';

/** An export's two ways to stop early: its time limit and its caller's abort signal. */
export interface ExportStop {
  /**
   * Rejects with the first stop's reason. mysql2 does not always fail the command in flight when
   * its socket is destroyed, so every wait of an export races this.
   */
  stopped: Promise<never>;
  /** Why the export stopped, once it has. */
  reason(): AppError | undefined;
  /** Clears the timer and the abort listener (the export ended). */
  dispose(): void;
}

// The JS timer fires a little after the server's own limit, so the server's clearer error wins the race.
const CLIENT_TIMEOUT_GRACE_MS = 2_000;

/** Watches the time limit and the signal; the first to fire calls `onStop` (which drops the session). */
export function watchForStop(signal: AbortSignal | undefined, timeoutMs: number, onStop: () => void): ExportStop {
  let stopReason: AppError | undefined;
  let rejectStopped: (reason: AppError) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  stopped.catch(() => undefined);
  const stop = (reason: AppError): void => {
    stopReason ??= reason;
    rejectStopped(stopReason);
    onStop();
  };
  const onAbort = (): void => stop(new AppError('CANCELLED', 'the export was cancelled'));
  const limit = `the export took longer than its ${Math.round(timeoutMs / 1000)} s time limit`;
  const timer = setTimeout(() => stop(new AppError('QUERY_TIMEOUT', limit)), timeoutMs + CLIENT_TIMEOUT_GRACE_MS);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    stopped,
    reason: () => stopReason,
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
