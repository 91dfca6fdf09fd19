import { QueryClient } from '@tanstack/react-query';
import { installSessionLostHandler } from '../features/auth/session';
import { isApiError } from './api';

/** Requests that failed because of what was asked (4xx) are not retried; lost connections and 5xx are, twice. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // Registry data changes through the day, not by the second: a page revisited within a
        // minute is shown from memory and refreshed in the background.
        staleTime: 60_000,
        gcTime: 10 * 60_000,
        retry: shouldRetry,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  installSessionLostHandler(queryClient);
  return queryClient;
}
