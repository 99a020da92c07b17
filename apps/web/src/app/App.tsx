import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createBrowserRouter } from 'react-router-dom';
import { Suspense, useMemo } from 'react';
import type { UiConfig } from '../api/types';
import { ApiError } from '../api/client';
import { ConfigContext } from './config';
import { routeObjects } from './routes';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // 4xx answers are decisions (denied, not found): asking again changes nothing.
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    },
  },
});

export function App({ config }: { config: UiConfig }) {
  const router = useMemo(() => createBrowserRouter(routeObjects()), []);
  return (
    <ConfigContext.Provider value={config}>
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={<p className="boot">BorderLens…</p>}>
          <RouterProvider router={router} />
        </Suspense>
      </QueryClientProvider>
    </ConfigContext.Provider>
  );
}
