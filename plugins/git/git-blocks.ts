// The git block classes: github (Prefect 2's GitHub block) and git-repository (Prefect 3's
// GitRepository shape) read a repository through git-clone.ts; the credentials blocks only hold data.
import type { BlockLogger, ConfigOf, GetDirectory } from "ordo/blocks-sdk";
import { getRepositoryDirectory } from "./git-clone.js";
import type { githubCredentialsSchema, githubSchema, gitCredentialsSchema, gitRepositorySchema } from "./schemas.js";

export type GitHubConfig = ConfigOf<typeof githubSchema>;
export type GitRepositoryConfig = ConfigOf<typeof gitRepositorySchema>;
export type GitHubCredentialsConfig = ConfigOf<typeof githubCredentialsSchema>;
export type GitCredentialsConfig = ConfigOf<typeof gitCredentialsSchema>;

export class GitHubRepository implements GetDirectory {
  static readonly slug = "github";

  constructor(
    private readonly config: GitHubConfig,
    private readonly deps: { logger: BlockLogger },
  ) {}

  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const c = this.config;
    await getRepositoryDirectory(
      {
        blockType: GitHubRepository.slug,
        url: c.repository,
        reference: c.reference,
        secret: c.access_token,
        includeGitObjects: c.include_git_objects ?? true,
        includeSubmodules: c.include_submodules ?? false,
        depth: c.depth ?? 1,
      },
      from,
      localPath,
      this.deps.logger,
    );
  }
}

export class GitRepository implements GetDirectory {
  static readonly slug = "git-repository";

  constructor(
    private readonly config: GitRepositoryConfig,
    private readonly deps: { logger: BlockLogger },
  ) {}

  async getDirectory(from: string | null, localPath: string): Promise<void> {
    const c = this.config;
    const credentials = c.credentials ?? {};
    await getRepositoryDirectory(
      {
        blockType: GitRepository.slug,
        url: c.url,
        reference: c.reference ?? c.branch,
        commitSha: c.commit_sha,
        username: credentials.username,
        // the names Prefect's GitCredentials, GitHubCredentials and git-credentials use
        secret: credentials.access_token ?? credentials.token ?? credentials.password,
        includeSubmodules: c.include_submodules ?? false,
        depth: c.depth ?? 1,
        directories: c.directories,
        includeGitObjects: c.include_git_objects ?? true,
      },
      from,
      localPath,
      this.deps.logger,
    );
  }
}

/** Holds a token for git_clone's `credentials` and git-repository's; nothing to run. */
export class GitHubCredentials {
  constructor(readonly config: GitHubCredentialsConfig) {}
}

/** Holds a username and password or token for git_clone's `credentials`; nothing to run. */
export class GitCredentials {
  constructor(readonly config: GitCredentialsConfig) {}
}
