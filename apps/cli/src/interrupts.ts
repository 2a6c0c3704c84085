/** What stops a CLI export early: Ctrl-C or SIGTERM, and a reader that goes away (`| head`). */
export interface Interrupts {
  signal: AbortSignal;
  /** True when stdout's reader went away: the export then ends quietly. */
  isPipeClosed(): boolean;
  dispose(): void;
}

/** Ctrl-C stops the query on the server and removes the unfinished file. */
export function watchInterrupts(): Interrupts {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let isPipeClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return;
    isPipeClosed = true;
    abort.abort();
  });
  return {
    signal: abort.signal,
    isPipeClosed: () => isPipeClosed,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
