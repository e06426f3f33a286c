// Sign-in: paste an API key (`cat ~/.ordo/api-key` on the server's machine, or one from
// `ordo api-key create`); it is kept for this tab's session only.
import { type FormEvent, useState } from "react";

export function SignIn({ refusedKey, onKey }: { refusedKey: string | null; onKey(key: string): void }) {
  const [value, setValue] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onKey(value.trim());
  };
  return (
    <main className="sign-in">
      <h1>
        <span className="logo" aria-hidden="true" /> Ordo
      </h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="ordo_…"
          required
        />
        {refusedKey && (
          <p role="alert" className="field-error">
            The server refused this key (unknown, revoked or expired).
          </p>
        )}
        <button type="submit">Sign in</button>
        <p className="hint">
          The server's own admin key is in <code>~/.ordo/api-key</code>; create others with{" "}
          <code>ordo api-key create</code>. The key stays in this tab until you sign out or close it.
        </p>
      </form>
    </main>
  );
}
