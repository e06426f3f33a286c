// Every page and its URL; the navigation (components/layout.tsx) links to the top-level ones.
import type { ReactElement } from "react";
import { BlockDocumentPage } from "./pages/blocks/block-document-page";
import { BlocksPage } from "./pages/blocks/blocks-page";
import { NewBlockDocumentPage } from "./pages/blocks/new-block-document-page";
import { CustomRunPage } from "./pages/deployments/custom-run-page";
import { DeploymentPage } from "./pages/deployments/deployment-page";
import { DeploymentsPage } from "./pages/deployments/deployments-page";
import { FlowRunPage } from "./pages/flow-runs/flow-run-page";
import { FlowRunsPage } from "./pages/flow-runs/flow-runs-page";
import { NotFoundPage } from "./pages/not-found-page";
import { OverviewPage } from "./pages/overview/overview-page";
import { WorkPoolPage } from "./pages/work-pools/work-pool-page";
import { WorkPoolsPage } from "./pages/work-pools/work-pools-page";

export const routes: { path: string; element: ReactElement }[] = [
  { path: "/", element: <OverviewPage /> },
  { path: "/deployments", element: <DeploymentsPage /> },
  { path: "/deployments/:id", element: <DeploymentPage /> },
  { path: "/deployments/:id/run", element: <CustomRunPage /> },
  { path: "/runs", element: <FlowRunsPage /> },
  { path: "/runs/:id", element: <FlowRunPage /> },
  { path: "/work-pools", element: <WorkPoolsPage /> },
  { path: "/work-pools/:name", element: <WorkPoolPage /> },
  { path: "/blocks", element: <BlocksPage /> },
  { path: "/blocks/new/:typeSlug", element: <NewBlockDocumentPage /> },
  { path: "/blocks/:id", element: <BlockDocumentPage /> },
  { path: "*", element: <NotFoundPage /> },
];
