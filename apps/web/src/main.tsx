/** Entry: the query cache and the router around the app. */
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { preloadMarkdown } from './components/chat/Markdown';
import { prefetchFirstScreen } from './lib/prefetch';
import { createQueryClient } from './lib/query-client';
import './styles.css';

const queryClient = createQueryClient();
// The first screen's data and the markdown renderer, fetched in parallel before React renders.
prefetchFirstScreen(queryClient, window.location.pathname);
void preloadMarkdown();

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
