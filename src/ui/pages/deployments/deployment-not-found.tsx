// The page for a deployment id that names none.
import { Link } from "react-router";

export function DeploymentNotFound({ id }: { id: string }) {
  return (
    <>
      <h1>Deployment not found</h1>
      <p>
        No deployment has the id <code>{id}</code>. <Link to="/deployments">All deployments</Link>
      </p>
    </>
  );
}
