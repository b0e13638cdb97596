/**
 * Waiting in tests: `eventually()` for something asynchronous to happen, `sleep()` only for
 * letting time pass on purpose (a cached entry's age, a window in which nothing may happen).
 */

/** Resolves after `ms`; the timer is unref'd so it never holds Jest open. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Polls `check` every 10 ms until it holds; fails the test after `ms` with `what` in the message.
 * For conditions with no event to wait on (a count another process updates, a log line).
 */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(10);
  }
}
