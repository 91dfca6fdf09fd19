import { describe, expect, it } from 'vitest';
import { takeReady } from './dispatch';
import { nextAttemptAt, retryDelayMs } from './retry';
import { signWebhook, verifyWebhookSignature } from './webhooks';

describe('retries', () => {
  it('doubles the wait from one minute up to six hours', () => {
    expect([1, 2, 3, 4, 9, 10, 12].map((n) => retryDelayMs(n) / 60_000)).toEqual([1, 2, 4, 8, 256, 360, 360]);
  });

  it('adds at most 20 % jitter', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(nextAttemptAt(now, 3, () => 0).getTime() - now.getTime()).toBe(240_000);
    expect(nextAttemptAt(now, 3, () => 0.999).getTime() - now.getTime()).toBeLessThanOrEqual(288_000);
  });
});

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and verifies within the tolerance only', () => {
    const header = signWebhook('s3cret', '{"a":1}', 1_767_225_600);
    // Independent reference: printf '1767225600.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expect(header).toBe('t=1767225600,v1=7d4120fcebf444efab10ba7cd6c651bf463cefb039db5fad37ff9f7231ac8a4a');
    expect(verifyWebhookSignature(header, 's3cret', '{"a":1}', 1_767_225_700)).toBe(true);
    expect(verifyWebhookSignature(header, 's3cret', '{"a":2}', 1_767_225_700)).toBe(false);
    expect(verifyWebhookSignature(header, 'other', '{"a":1}', 1_767_225_700)).toBe(false);
    expect(verifyWebhookSignature(header, 's3cret', '{"a":1}', 1_767_226_000)).toBe(false);
  });
});

describe('dispatch order', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ev = (seq: number, secondsAgo: number) => ({ seq, at: new Date(now.getTime() - secondsAgo * 1000) });
  it('stops at a young hole in seq (a transaction may still commit it) and skips an old one', () => {
    expect(takeReady([ev(1, 1), ev(2, 1), ev(4, 1)], 0, 60_000, now).map((e) => e.seq)).toEqual([1, 2]);
    expect(takeReady([ev(1, 1), ev(2, 1), ev(4, 120)], 0, 60_000, now).map((e) => e.seq)).toEqual([1, 2, 4]);
    expect(takeReady([ev(7, 1)], 5, 60_000, now)).toEqual([]);
    expect(takeReady([ev(7, 1)], 5, 0, now).map((e) => e.seq)).toEqual([7]);
  });
});
