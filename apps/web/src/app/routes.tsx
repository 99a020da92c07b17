import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';
import type { Role } from '../api/types';
import { Layout } from './Layout';
import { RouteError } from './RouteError';

/**
 * Every screen of the app, in menu order. A new screen is a folder `features/<name>/` whose
 * `index.tsx` default-exports the page, an i18n namespace `i18n/<lang>/<name>.json` per language
 * (with at least `title`, used in the menu and the window title), and one line here.
 * Screens load lazily, so the first screen ships only its own code.
 */
export const screens: Screen[] = [
  screen('map', () => import('../features/map')),
  screen('live', () => import('../features/live')),
  screen('incidents', () => import('../features/incidents')),
  screen('clips', () => import('../features/clips')),
  screen('clip-queue', () => import('../features/clip-queue'), { roles: ['legal-officer'] }),
  screen('audit', () => import('../features/audit'), { roles: ['auditor', 'legal-officer'] }),
  screen('policy', () => import('../features/policy'), { roles: ['legal-officer'] }),
  screen('admin', () => import('../features/admin'), { roles: ['admin'] }),
  screen('analytics', () => import('../features/analytics'), { params: ':id?' }),
  screen('alerts', () => import('../features/alerts')),
  screen('zones', () => import('../features/zones'), { roles: ['admin'], params: ':id?' }),
  screen('about', () => import('../features/about'), { menu: false }),
];

/** The screen a signed-in user lands on. */
export const HOME = 'map';

export interface Screen {
  /** URL path (without the leading slash) and i18n namespace; also the folder under features/. */
  name: string;
  load: () => Promise<{ default: ComponentType }>;
  /** Shown in the header menu (default true). */
  menu: boolean;
  /** Only users with one of these roles see it in the menu (the API decides what they may do anyway). */
  roles?: Role[];
  /** Extra path after the name, e.g. ':id?' (react-router syntax). */
  params?: string;
}

export function screen(name: string, load: Screen['load'], opts: Partial<Omit<Screen, 'name' | 'load'>> = {}): Screen {
  return { name, load, menu: opts.menu ?? true, roles: opts.roles, params: opts.params };
}

export function routeObjects(): RouteObject[] {
  return [
    {
      path: '/',
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to={`/${HOME}`} replace /> },
        ...screens.map((s): RouteObject => ({
          path: s.params ? `${s.name}/${s.params}` : s.name,
          handle: { screen: s.name },
          errorElement: <RouteError />,
          lazy: async () => ({ Component: (await s.load()).default }),
        })),
        { path: '*', element: <NotFound /> },
      ],
    },
  ];
}

function NotFound() {
  return <Navigate to={`/${HOME}`} replace />;
}
