import type { QueryClient } from '@tanstack/react-query';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, Me } from '@tejido/schemas';
import { createContext, useContext } from 'react';
import { api, isApiError, setSessionLostHandler } from '../../app/api';

/** The signed-in account, or null when nobody is signed in. */
export const meQueryKey = ['auth', 'me'] as const;

export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return await api<Me>('/api/v1/auth/me', signal ? { signal } : {});
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: true,
  });
}

/** Forgets everything read under the previous session, so the next account never sees it. */
function forgetSessionData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
}

/**
 * A 401 from any request means the session ended (expired, signed out elsewhere): mark
 * nobody signed in, and the guard of the signed-in pages sends the person to sign in,
 * remembering where they were.
 */
export function installSessionLostHandler(queryClient: QueryClient): void {
  setSessionLostHandler(() => {
    queryClient.setQueryData(meQueryKey, null);
    forgetSessionData(queryClient);
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api<Me>('/api/v1/auth/login', { method: 'POST', body }),
    onSuccess: (me) => {
      forgetSessionData(queryClient);
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

let signedOutOnPurpose = false;

/**
 * Whether the session just ended because the person signed out (read once). The sign-in
 * page then does not offer to come back to the page they left, as it does after an expiry.
 */
export function takeSignedOut(): boolean {
  const value = signedOutOnPurpose;
  signedOutOnPurpose = false;
  return value;
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/api/v1/auth/logout', { method: 'POST' }),
    // Signed out locally even when the server could not be reached: the cookie dies with its session.
    onSettled: () => {
      signedOutOnPurpose = true;
      queryClient.setQueryData(meQueryKey, null);
      forgetSessionData(queryClient);
    },
  });
}

export const SessionContext = createContext<Me | null>(null);

/** The signed-in account, inside the pages that require one. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() used outside the signed-in pages');
  return me;
}
