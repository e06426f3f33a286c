// The dashboard's shell: sign-in, then the navigation and the pages, each at its own URL.
import { useMemo, useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Provider, useQuery } from "urql";
import { createApiClient } from "./api/client";
import { authRequired, storedKey, storeKey } from "./api/session";
import { ViewerContext, type ViewerInfo } from "./api/viewer";
import { ErrorNotice } from "./components/error-notice";
import { Layout } from "./components/layout";
import { ViewerDocument } from "./generated/graphql";
import { routes } from "./routes";
import { SignIn } from "./pages/sign-in";

export function App() {
  const [key, setKey] = useState<string | null>(() => storedKey());
  // a new key is a new client: no cached data or open subscription outlives the key that read it
  const api = useMemo(() => createApiClient(key), [key]);
  const useKey = (next: string | null) => {
    api.close();
    storeKey(next);
    setKey(next);
  };
  return (
    <Provider value={api.client}>
      {/* no request goes out without a key the server would refuse (a 401 in the console) */}
      {key || !authRequired() ? <Signed keyInUse={key} onKey={useKey} /> : <SignIn refusedKey={null} onKey={useKey} />}
    </Provider>
  );
}

function Signed({ keyInUse, onKey }: { keyInUse: string | null; onKey(key: string | null): void }) {
  const [{ data, error, fetching }] = useQuery({ query: ViewerDocument, requestPolicy: "network-only" });
  const viewer = useMemo<ViewerInfo | null>(
    () =>
      data
        ? {
            name: data.viewer.name,
            authEnabled: data.viewer.authEnabled,
            scopes: data.viewer.scopes,
            version: data.serverInfo.version,
            signOut: () => onKey(null),
          }
        : null,
    [data, onKey],
  );
  if (fetching && !data) return <p className="loading">Connecting to Ordo…</p>;
  const refused = error?.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
  if (!viewer) {
    if (refused || !error) return <SignIn refusedKey={keyInUse} onKey={onKey} />;
    return <ErrorNotice error={error} />;
  }
  return (
    <ViewerContext.Provider value={viewer}>
      <BrowserRouter>
        <Layout>
          <Routes>
            {routes.map((r) => (
              <Route key={r.path} path={r.path} element={r.element} />
            ))}
          </Routes>
        </Layout>
      </BrowserRouter>
    </ViewerContext.Provider>
  );
}
