// "Run" (a run now, with the deployment's own parameters) and "Custom run", for keys that may run.
import { Link, useNavigate } from "react-router";
import { useMutation } from "urql";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { CreateDeploymentRunDocument } from "../../generated/graphql";

export function RunActions({ deploymentId }: { deploymentId: string }) {
  const canRun = useCan("RUN");
  const navigate = useNavigate();
  const [creating, create] = useMutation(CreateDeploymentRunDocument);
  if (!canRun) return null;
  const quickRun = async () => {
    const result = await create({ input: { deploymentId } });
    const id = result.data?.createFlowRun.id;
    if (id) navigate(`/runs/${id}`);
  };
  return (
    <>
      <div className="actions">
        <button type="button" onClick={quickRun} disabled={creating.fetching}>
          {creating.fetching ? "Starting…" : "Run"}
        </button>
        <Link className="button secondary" to={`/deployments/${deploymentId}/run`}>
          Custom run
        </Link>
      </div>
      {creating.error && <ErrorNotice error={creating.error} />}
    </>
  );
}
