// The git plugin as the loader imports it: github and git-repository (get-directory only) and two
// credentials block types with no capability. Light: git runs as a child process, no SDK to load.
import { LOGGER, defineBlockType, definePlugin } from "ordo/blocks-sdk";
import { GitCredentials, GitHubCredentials, GitHubRepository, GitRepository } from "./git-blocks.js";
import { githubCredentialsSchema, githubSchema, gitCredentialsSchema, gitRepositorySchema } from "./schemas.js";

export {
  GitCredentials,
  GitHubCredentials,
  GitHubRepository,
  GitRepository,
  type GitCredentialsConfig,
  type GitHubConfig,
  type GitHubCredentialsConfig,
  type GitRepositoryConfig,
} from "./git-blocks.js";
export { GitCloneError, getRepositoryDirectory, type CloneSpec } from "./git-clone.js";
export { githubCredentialsSchema, githubSchema, gitCredentialsSchema, gitRepositorySchema } from "./schemas.js";

export const githubBlockType = defineBlockType({
  slug: "github",
  name: "GitHub",
  description:
    "Reads deployment code from a git repository (GitHub or any other forge) at a branch or tag. Read-only: push with git.",
  documentationUrl: "https://docs.prefect.io/2.20.0/api-ref/prefect/filesystems/#prefect.filesystems.GitHub",
  schema: githubSchema,
  // no put-directory: code reaches a repository through commits, not uploads
  capabilities: ["get-directory"],
  inject: { logger: LOGGER },
  implementation: GitHubRepository,
});

export const gitRepositoryBlockType = defineBlockType({
  slug: "git-repository",
  name: "Git Repository",
  description:
    "Reads deployment code from any git repository at a branch, tag or commit, with credentials, submodules and sparse checkout. Read-only: push with git.",
  schema: gitRepositorySchema,
  capabilities: ["get-directory"],
  inject: { logger: LOGGER },
  implementation: GitRepository,
});

export const githubCredentialsBlockType = defineBlockType({
  slug: "github-credentials",
  name: "GitHub Credentials",
  description: "A GitHub token, for the git_clone step's `credentials` and a git-repository block's.",
  schema: githubCredentialsSchema,
  capabilities: [],
  implementation: GitHubCredentials,
});

export const gitCredentialsBlockType = defineBlockType({
  slug: "git-credentials",
  name: "Git Credentials",
  description:
    "A username and password or token for any git server, for the git_clone step's `credentials` and a git-repository block's.",
  schema: gitCredentialsSchema,
  capabilities: [],
  implementation: GitCredentials,
});

// the name and version come from package.json
export default definePlugin({
  blockTypes: [githubBlockType, gitRepositoryBlockType, githubCredentialsBlockType, gitCredentialsBlockType],
});
