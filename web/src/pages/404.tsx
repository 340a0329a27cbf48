import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no page at this address. <Link href="/">See what&apos;s on</Link>.</p>
    </>
  );
}
