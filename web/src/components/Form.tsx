// A form that sends once, shows the API's refusal as a sentence, and its outcome when done.
import { type FormEvent, type ReactNode, useState } from "react";
import Notice from "./Notice";

type Props = {
  submit: (data: FormData) => Promise<string | null>;
  label: string;
  children: ReactNode;
};

export default function Form({ submit, label, children }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone(await submit(new FormData(event.currentTarget)));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={onSubmit} className="form">
      <Notice error={error} message={done} />
      {children}
      <button type="submit" disabled={busy}>{label}</button>
    </form>
  );
}
