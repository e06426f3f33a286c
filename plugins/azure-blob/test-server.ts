// Azurite's blob service for tests, in-process on 127.0.0.1 (a free port, in-memory, silent):
// not part of the published package. The lead's end-to-end test reuses it.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Azurite's well-known development account (documented, the same in every Azurite). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteTestServer {
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** http://127.0.0.1:<port>/devstoreaccount1, for azure_storage_account_url */
  accountUrl: string;
  /** a container created empty at start */
  container: string;
  stop(): Promise<void>;
}

interface BlobServerLike {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
}

export async function startAzuriteTestServer(options: { container?: string } = {}): Promise<AzuriteTestServer> {
  // Azurite publishes no programmatic API types; BlobServer is its own blob service class (what
  // the azurite-blob bin runs), so it runs here without a child process
  const BlobServer = (
    require("azurite/dist/src/blob/BlobServer.js") as { default: new (config: unknown) => BlobServerLike }
  ).default;
  const BlobConfiguration = (
    require("azurite/dist/src/blob/BlobConfiguration.js") as { default: new (...args: unknown[]) => unknown }
  ).default;
  // positional: host, port (0: any free one), keepAliveTimeout, metadataDBPath, extentDBPath,
  // persistencePathArray, enableAccessLog, accessLogWriteStream, enableDebugLog, debugLogFilePath,
  // loose, skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl, isMemoryPersistence
  const config = new BlobConfiguration(
    "127.0.0.1",
    0,
    undefined,
    undefined,
    undefined,
    undefined,
    false,
    undefined,
    false,
    undefined,
    true,
    true,
    "",
    "",
    "",
    undefined,
    false,
    true,
  );
  const server = new BlobServer(config);
  await server.start();
  const accountUrl = `${server.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${accountUrl};`;
  const container = options.container ?? "ordo-test";
  const { BlobServiceClient } = await import("@azure/storage-blob");
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).create();
  let stopped = false;
  return {
    connectionString,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    accountUrl,
    container,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await server.clean();
    },
  };
}
