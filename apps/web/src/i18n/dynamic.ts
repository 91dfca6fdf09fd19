import type { TFunction } from 'i18next';

/**
 * A translation whose key is only known at run time (a field name from the server): the
 * text when the key exists, the fallback when it does not. Keys written in the code go
 * through the typed `t` instead, so a missing one fails the type check.
 */
export function translateOr(t: TFunction, key: string, fallback: string): string {
  const untyped = t as unknown as (key: string, options: { defaultValue: string }) => string;
  return untyped(key, { defaultValue: fallback });
}
