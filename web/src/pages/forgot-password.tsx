import Form from "@/components/Form";
import { forgotPassword } from "@/lib/accounts";

export default function ForgotPassword() {
  return (
    <>
      <h1>Reset your password</h1>
      <Form label="Send me a link" submit={async (data) => {
        await forgotPassword(String(data.get("email")));
        return "If an account uses this address, we have sent it a link to choose a new password.";
      }}>
        <label>E-mail address <input name="email" type="email" autoComplete="email" required /></label>
      </Form>
    </>
  );
}
