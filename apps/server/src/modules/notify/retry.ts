/**
 * When to try again a message or a webhook call that failed: waits that double from one
 * minute up to six hours, with up to 20 % random jitter so that the calls owed to a receiver
 * that was down do not all come back at the same second.
 */
export const NOTIFICATION_MAX_ATTEMPTS = 8;
export const WEBHOOK_MAX_ATTEMPTS = 12;

const MINUTE = 60_000;
const MAX_WAIT = 6 * 60 * MINUTE;

/**
 * The wait after the `attempts`-th failed attempt (1 for the first failure), before jitter.
 * @example retryDelayMs(1) // 60_000; retryDelayMs(3) // 240_000; retryDelayMs(12) // 21_600_000
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_WAIT, MINUTE * 2 ** Math.max(0, attempts - 1));
}

/** The next attempt's time after a failure, with jitter; `random` is injectable for tests. */
export function nextAttemptAt(now: Date, attempts: number, random: () => number = Math.random): Date {
  const delay = retryDelayMs(attempts);
  return new Date(now.getTime() + Math.round(delay * (1 + 0.2 * random())));
}

/** A short, single-line error text to keep in last_error. */
export function errorText(error: unknown): string {
  const e = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const base = typeof e?.message === 'string' ? e.message : String(error);
  const cause = e?.cause?.code ?? e?.cause?.message;
  const text = cause && !base.includes(String(cause)) ? `${base} (${String(cause)})` : base;
  return text.replace(/\s+/g, ' ').slice(0, 500);
}

/** Run `work` over the items with at most `limit` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
