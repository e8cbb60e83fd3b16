import { render } from 'preact';
import { App } from './app';
import { ErrorBoundary } from './components/error-boundary';
import './styles.css';

// Rejections nobody awaited (a failed clipboard write, an aborted fetch) must not surface as
// browser errors: every user-visible failure is rendered by the page that caused it.
window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  console.warn('unhandled rejection', e.reason);
});

render(
  <ErrorBoundary>
    <App />
  </ErrorBoundary>,
  document.getElementById('app')!,
);
