/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Polls `read` until it answers something other than `from`, and returns that. */
export async function waitForChange<T>(read: () => Promise<T>, from: T, timeoutMs = 15_000): Promise<T> {
  return waitFor(async () => {
    const now = await read();
    return now !== from ? now : undefined;
  }, timeoutMs);
}
