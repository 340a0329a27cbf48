// A sentence for the visitor: an error is announced at once (role="alert"), news politely.
export default function Notice({ error, message }: { error?: string | null; message?: string | null }) {
  if (error) return <p className="notice notice-error" role="alert">{error}</p>;
  if (message) return <p className="notice notice-info" role="status">{message}</p>;
  return null;
}
