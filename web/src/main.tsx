import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api/client.js';
import { Layout } from './components/Layout.js';
import { HomePage } from './pages/HomePage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { RunPage } from './pages/RunPage.js';
import './styles.css';

// The pages an operator lands on (home, a run from a notification's link) come with the first
// download; the others, with the JSON editor's parser, are fetched when first opened.
const DefinitionPage = lazy(() =>
  import('./pages/DefinitionPage.js').then((m) => ({ default: m.DefinitionPage })),
);
const EditDefinitionPage = lazy(() =>
  import('./pages/EditDefinitionPage.js').then((m) => ({ default: m.EditDefinitionPage })),
);

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // An unknown id stays unknown; anything else (the server away) is worth retrying.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<HomePage />} />
            <Route path="definitions/new" element={<EditDefinitionPage />} />
            <Route path="definitions/:name" element={<DefinitionPage />} />
            <Route path="definitions/:name/edit" element={<EditDefinitionPage />} />
            <Route path="runs/:id" element={<RunPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
