import { Component, type ComponentChildren } from 'preact';

interface State {
  failed: boolean;
}

/** Catches render errors below it so the user sees a way forward instead of a blank page. */
export class ErrorBoundary extends Component<{ children?: ComponentChildren; resetKey?: string }, State> {
  override state: State = { failed: false };

  static override getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error('dashboard error', error);
  }

  override componentDidUpdate(prev: { resetKey?: string }): void {
    // Navigating elsewhere gives the new page a fresh chance.
    if (prev.resetKey !== this.props.resetKey && this.state.failed) this.setState({ failed: false });
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div class="state state-error" role="alert">
        <p class="state-title">This part of the dashboard could not be shown</p>
        <p>Something unexpected happened while drawing the page. Your data is safe.</p>
        <p>
          <button type="button" class="btn" onClick={() => this.setState({ failed: false })}>
            Try again
          </button>{' '}
          <a class="btn btn-quiet" href="/">
            Back to the overview
          </a>
        </p>
      </div>
    );
  }
}
