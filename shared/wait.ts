/**
 * Waits for `work` to settle, or `ms` at the most; never rejects. Nothing to wait for (a loop never
 * started) returns at once. Used when stopping a loop: a
 * request in flight is given time to finish before it is cancelled.
 */
export async function waitAtMost(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
