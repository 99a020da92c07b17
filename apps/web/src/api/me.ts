import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Me } from './types';

/** The signed-in user as the gateway sees them (roles, organisation, country). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: (): Promise<Me> => unwrap(api.GET('/api/v1/me')), staleTime: Infinity });
}
