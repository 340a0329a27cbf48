// The e-mailed link lands here: /verify-email?token=... and confirms the address at once.
import { useEffect, useState } from "react";
import Notice from "@/components/Notice";
import { verifyEmail } from "@/lib/accounts";
import { useQueryParam } from "@/lib/useQueryParam";

export default function VerifyEmail() {
  const token = useQueryParam("token");
  const [outcome, setOutcome] = useState<{ error?: string; message?: string }>({});
  useEffect(() => {
    if (token === undefined) return;
    verifyEmail(token).then(
      () => setOutcome({ message: "Thank you: your e-mail address is confirmed." }),
      (e: Error) => setOutcome({ error: e.message }),
    );
  }, [token]);
  return (
    <>
      <h1>Confirm your e-mail address</h1>
      {!outcome.error && !outcome.message && <p>Confirming…</p>}
      <Notice error={outcome.error} message={outcome.message} />
    </>
  );
}
