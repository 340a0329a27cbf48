// The e-mailed link lands here: /reset-password?token=...
import Link from "next/link";
import Form from "@/components/Form";
import { resetPassword } from "@/lib/accounts";
import { useQueryParam } from "@/lib/useQueryParam";

export default function ResetPassword() {
  const token = useQueryParam("token");
  return (
    <>
      <h1>Choose a new password</h1>
      {token === "" && <p role="alert">This link is incomplete. <Link href="/forgot-password">Ask for a new one</Link>.</p>}
      <Form label="Save the new password" submit={async (data) => {
        await resetPassword(token ?? "", String(data.get("password")));
        return "Your password has been changed. You can log in with it now.";
      }}>
        <label>New password <input name="password" type="password" autoComplete="new-password" minLength={10} required /></label>
      </Form>
    </>
  );
}
