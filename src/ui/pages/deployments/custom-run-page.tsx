// Custom run: a deployment's run with chosen parameters (a form generated from its parameter schema,
// or JSON when it has none), name, tags and start time. The server validates the parameters; its
// errors are shown on the fields they name.
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { type CombinedError, useMutation, useQuery } from "urql";
import { fieldErrors } from "../../api/field-errors";
import { useCan } from "../../api/viewer";
import { ErrorNotice } from "../../components/error-notice";
import { Pending } from "../../components/pending";
import { DeploymentNotFound } from "./deployment-not-found";
import { SchemaForm } from "../../components/schema-form";
import { CreateDeploymentRunDocument, DeploymentRunFormDocument } from "../../generated/graphql";
import { NO_OPTIONS, optionsInput, RunOptions, type RunOptionsValue } from "./run-options";

type Parameters = Record<string, unknown>;

function isObject(value: unknown): value is Parameters {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SCHEMA_FIELD_KEYWORDS = ["allOf", "anyOf", "oneOf", "$ref", "patternProperties", "additionalProperties"];

/** a schema the generated form has fields for; the default {type: object, properties: {}} has none */
function formSchema(schema: unknown): Parameters | null {
  if (!isObject(schema)) return null;
  const properties = isObject(schema.properties) ? Object.keys(schema.properties) : [];
  const composed = SCHEMA_FIELD_KEYWORDS.some((k) => isObject(schema[k]) || Array.isArray(schema[k]));
  return properties.length > 0 || composed ? schema : null;
}

/** every message of an error, a VALIDATION_FAILED one's issues each with the JSON pointer it names */
function messages(error: CombinedError | undefined): string[] {
  const lines: string[] = [];
  for (const e of error?.graphQLErrors ?? []) {
    const issues = e.extensions?.errors as { path: string; message: string }[] | undefined;
    if (Array.isArray(issues) && issues.length) {
      for (const i of issues) lines.push(`${e.extensions?.field ?? "input"}${i.path}: ${i.message}`);
    } else lines.push(e.message);
  }
  if (error?.networkError) lines.push(`Cannot reach the server: ${error.networkError.message}`);
  return lines;
}

export function CustomRunPage() {
  const { id = "" } = useParams();
  const canRun = useCan("RUN");
  const [{ data, error, fetching }] = useQuery({ query: DeploymentRunFormDocument, variables: { id } });
  if (!data) return <Pending error={error} fetching={fetching} />;
  const d = data.deployment;
  if (!d) return <DeploymentNotFound id={id} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/deployments">Deployments</Link> / <Link to={`/deployments/${d.id}`}>{d.name}</Link> /
      </p>
      <h1>Custom run of {d.slug}</h1>
      {canRun ? (
        <CustomRunForm
          deploymentId={d.id}
          parameters={isObject(d.parameters) ? d.parameters : {}}
          schema={formSchema(d.parameterOpenapiSchema)}
          hasSchema={d.parameterOpenapiSchema !== null}
        />
      ) : (
        <p className="notice">Your API key may read but not start runs.</p>
      )}
    </>
  );
}

function CustomRunForm({
  deploymentId,
  parameters,
  schema,
  hasSchema,
}: {
  deploymentId: string;
  parameters: Parameters;
  /** null: parameters are edited as JSON */
  schema: Parameters | null;
  hasSchema: boolean;
}) {
  const navigate = useNavigate();
  const [values, setValues] = useState<Parameters>(parameters);
  const [json, setJson] = useState(() => JSON.stringify(parameters, null, 2));
  const [options, setOptions] = useState<RunOptionsValue>(NO_OPTIONS);
  const [problem, setProblem] = useState<string | null>(null);
  const [creating, create] = useMutation(CreateDeploymentRunDocument);
  // with generated fields, parameter errors go on them; as JSON, every message is listed
  // the last answer's error, cleared when the form is sent again (or stopped before sending)
  const [error, setError] = useState<CombinedError | undefined>();
  const errors = schema ? fieldErrors(error, "input.parameters") : { schema: {}, other: messages(error) };

  const run = async (params: Parameters) => {
    setProblem(null);
    setError(undefined);
    if (options.start === "later" && !options.startAt) {
      setProblem("Choose when the run starts (Start at), or start it now.");
      return;
    }
    const result = await create({ input: { deploymentId, parameters: params, ...optionsInput(options) } });
    setError(result.error);
    const id = result.data?.createFlowRun.id;
    if (id) navigate(`/runs/${id}`);
  };

  const footer: ReactNode = (
    <>
      <RunOptions value={options} onChange={setOptions} />
      {problem && <ErrorNotice error={problem} />}
      {errors.other.map((m) => (
        <ErrorNotice key={m} error={m} />
      ))}
      <div className="actions">
        <button type="submit" disabled={creating.fetching}>
          {creating.fetching ? "Creating…" : "Create run"}
        </button>
        <Link className="button secondary" to={`/deployments/${deploymentId}`}>
          Cancel
        </Link>
      </div>
    </>
  );

  if (schema) {
    return (
      <div className="card custom-run">
        <h2 className="small-heading">Parameters</h2>
        <SchemaForm
          id="run-parameters"
          schema={schema}
          value={values}
          onChange={setValues}
          onSubmit={run}
          fieldErrors={errors.schema}
          disabled={creating.fetching}
        >
          {footer}
        </SchemaForm>
      </div>
    );
  }

  const submitJson = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json || "{}");
    } catch (err) {
      setProblem(`Parameters are not valid JSON: ${(err as Error).message}`);
      return;
    }
    if (!isObject(parsed)) {
      setProblem("Parameters must be a JSON object, e.g. {}.");
      return;
    }
    void run(parsed);
  };
  return (
    <form className="card custom-run" onSubmit={submitJson} noValidate>
      <label>
        Parameters (JSON)
        <textarea
          className="json-input"
          rows={Math.min(20, Math.max(4, json.split("\n").length + 1))}
          spellCheck={false}
          value={json}
          onChange={(e) => setJson(e.target.value)}
        />
        <span className="hint">
          {hasSchema ? "The parameter schema names no parameters" : "The deployment has no parameter schema"}: these are
          merged over the deployment's own parameters.
        </span>
      </label>
      {footer}
    </form>
  );
}
