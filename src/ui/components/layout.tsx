// The frame around every page: navigation, who is signed in, and a skip link for keyboard users.
import type { ReactNode } from "react";
import { NavLink } from "react-router";
import { useViewer } from "../api/viewer";

const SECTIONS = [
  { to: "/", label: "Overview", end: true },
  { to: "/deployments", label: "Deployments" },
  { to: "/runs", label: "Flow runs" },
  { to: "/work-pools", label: "Work pools" },
  { to: "/blocks", label: "Blocks" },
];

export function Layout({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">
          <span className="logo" aria-hidden="true" /> Ordo
        </span>
        <nav aria-label="Sections">
          {SECTIONS.map((s) => (
            <NavLink key={s.to} to={s.to} end={s.end}>
              {s.label}
            </NavLink>
          ))}
          <a href="/graphql">GraphiQL</a>
        </nav>
        <span className="who">
          {viewer.authEnabled ? (
            <>
              <span title={viewer.scopes.join(", ").toLowerCase()}>{viewer.name}</span>
              <button type="button" className="link" onClick={viewer.signOut}>
                Sign out
              </button>
            </>
          ) : (
            <span title="the server runs with ORDO_AUTH=off">auth off</span>
          )}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
