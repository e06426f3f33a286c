// The configuration schemas of the four git block types, in Prefect's field names (nullable where
// Prefect's fields are Optional, so Prefect block documents can be copied as they are).

const repositoryUrl = {
  type: "string",
  minLength: 1,
  // git would read a leading "-" as an option
  pattern: "^[^-\\s]",
  description: "https:// URL (or any git URL: ssh, git@host:path, file:// and local paths)",
} as const;

const reference = {
  type: ["string", "null"],
  minLength: 1,
  pattern: "^[^-\\s]",
  description: "branch or tag; the default branch when absent",
} as const;
const includeSubmodules = { type: "boolean", default: false, description: "also clone the submodules" } as const;
const depth = {
  type: "integer",
  minimum: 0,
  default: 1,
  description: "commits of history to fetch; 0 = the whole history",
} as const;
const includeGitObjects = { type: "boolean", default: true, description: "keep the .git folder in the copy" } as const;
const secretString = { type: ["string", "null"], writeOnly: true, format: "password" } as const;

export const githubSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    repository: repositoryUrl,
    reference,
    access_token: {
      ...secretString,
      description: "a personal access token (GitHub, GitLab, Bitbucket...) for private repositories over https",
    },
    include_git_objects: includeGitObjects,
    include_submodules: includeSubmodules,
    depth,
  },
  required: ["repository"],
  additionalProperties: false,
} as const;

export const gitRepositorySchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    url: repositoryUrl,
    reference,
    // Prefect 3's GitRepository calls the reference `branch`
    branch: { ...reference, description: "Prefect 3's name for `reference`; give one or the other" },
    commit_sha: {
      type: ["string", "null"],
      pattern: "^[0-9a-fA-F]{4,64}$",
      description: "check out this commit (wins over reference)",
    },
    credentials: {
      type: ["object", "null"],
      // the whole object is one secret: encrypted at rest, masked as "********"
      writeOnly: true,
      description:
        "{ username?, access_token | token | password } — e.g. the data of a github-credentials or git-credentials block",
      properties: {
        username: { type: ["string", "null"] },
        access_token: { type: ["string", "null"] },
        token: { type: ["string", "null"] },
        password: { type: ["string", "null"] },
      },
      additionalProperties: false,
    },
    include_submodules: includeSubmodules,
    depth,
    directories: {
      type: ["array", "null"],
      items: { type: "string", minLength: 1, pattern: "^[^-]" },
      minItems: 1,
      description: "sparse checkout: only these folders (and the top-level files)",
    },
    include_git_objects: includeGitObjects,
  },
  required: ["url"],
  not: { required: ["reference", "branch"] },
  additionalProperties: false,
} as const;

export const githubCredentialsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    token: { ...secretString, type: "string", minLength: 1, description: "a GitHub personal access token" },
  },
  required: ["token"],
  additionalProperties: false,
} as const;

export const gitCredentialsSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    username: {
      type: ["string", "null"],
      description: "defaults to the forge's token user (x-access-token, oauth2, x-token-auth) or git",
    },
    password: { ...secretString, description: "a password or token" },
    token: { ...secretString, description: "a token (same use as password)" },
  },
  anyOf: [{ required: ["password"] }, { required: ["token"] }],
  additionalProperties: false,
} as const;
