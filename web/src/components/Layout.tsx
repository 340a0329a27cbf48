// Every page's frame: the site's name, the navigation for this visitor's role, the page.
import Link from "next/link";
import { useRouter } from "next/router";
import type { ReactNode } from "react";
import { api } from "@/api/client";
import { isManager, isStaff, saveSession, useSession } from "@/lib/session";

export default function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const router = useRouter();
  async function logOut() {
    await api.POST("/api/auth/logout", {}).catch(() => undefined);
    saveSession(null);
    router.push("/");
  }
  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="site-header">
        <Link href="/" className="brand">CinemaOS</Link>
        <nav aria-label="Main">
          <ul>
            <li><Link href="/">What&apos;s on</Link></li>
            <li><Link href="/films">Films</Link></li>
            {session && <li><Link href="/bookings">My bookings</Link></li>}
            {isStaff(session) && <li><Link href="/manage">Dashboard</Link></li>}
            {isStaff(session) && <li><Link href="/staff/door">Door</Link></li>}
            {isStaff(session) && <li><Link href="/staff/box-office">Box office</Link></li>}
            {isManager(session) && <li><Link href="/manage/pricing">Pricing</Link></li>}
            {isManager(session) && <li><Link href="/manage/dynamic-prices">Dynamic prices</Link></li>}
            {isManager(session) && <li><Link href="/manage/reports">Reports</Link></li>}
            {isManager(session) && <li><Link href="/manage/audit">Audit log</Link></li>}
            {session ? (
              <li><button type="button" className="link-button" onClick={logOut}>Log out</button></li>
            ) : (
              <>
                <li><Link href="/login">Log in</Link></li>
                <li><Link href="/register">Register</Link></li>
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
