import { useRouter } from "next/router";
import Form from "@/components/Form";
import { register, safeNext } from "@/lib/accounts";

export default function Register() {
  const router = useRouter();
  return (
    <>
      <h1>Create an account</h1>
      <Form label="Create the account" submit={async (data) => {
        await register(String(data.get("email")), String(data.get("password")), String(data.get("full_name") ?? ""));
        await router.push(safeNext(router.query.next));
        return null;
      }}>
        <label>Your name <input name="full_name" autoComplete="name" /></label>
        <label>E-mail address <input name="email" type="email" autoComplete="email" required /></label>
        <label>Password <input name="password" type="password" autoComplete="new-password" minLength={10} required aria-describedby="password-help" /></label>
        <p id="password-help" className="muted">At least 10 characters, with a letter and a digit or symbol.</p>
      </Form>
    </>
  );
}
