import Link from "next/link";
import { useRouter } from "next/router";
import Form from "@/components/Form";
import { logIn, safeNext } from "@/lib/accounts";

export default function Login() {
  const router = useRouter();
  return (
    <>
      <h1>Log in</h1>
      <Form label="Log in" submit={async (data) => {
        await logIn(String(data.get("email")), String(data.get("password")));
        await router.push(safeNext(router.query.next));
        return null;
      }}>
        <label>E-mail address <input name="email" type="email" autoComplete="email" required /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      </Form>
      <p><Link href="/forgot-password">Forgotten your password?</Link> · <Link href="/register">Create an account</Link></p>
    </>
  );
}
