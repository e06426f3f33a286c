// An API error as the user should read it: the server's message and its code, never a stack.
import type { CombinedError } from "urql";

export function ErrorNotice({ error }: { error: CombinedError | Error | string }) {
  const messages =
    typeof error === "string"
      ? [error]
      : "graphQLErrors" in error && error.graphQLErrors.length
        ? error.graphQLErrors.map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ""}`)
        : [
            "networkError" in error && error.networkError
              ? `Cannot reach the server: ${error.networkError.message}`
              : error.message,
          ];
  return (
    <div role="alert" className="error-notice">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
