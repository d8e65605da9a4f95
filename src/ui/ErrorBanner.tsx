import { useStore } from '../state/store';

export function ErrorBanner() {
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const dismiss = useStore((s) => s.dismissError);
  return (
    <>
      {error && (
        <div className="error-banner" role="alert" data-testid="error-banner">
          <span>{error}</span>
          <button onClick={dismiss} aria-label="dismiss">×</button>
        </div>
      )}
      {notice && !error && (
        <div className="notice" data-testid="notice">
          {notice}
        </div>
      )}
    </>
  );
}
