// An S3 emulator for tests (s3rver, in-process on 127.0.0.1): not part of the published package.
// s3rver checks the access key id (S3RVER) but not the signature of SigV4 requests, so a wrong
// secret key is accepted: tests of refused credentials use a wrong access key id.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export interface S3TestServer {
  /** http://127.0.0.1:<port>, for endpoint_url */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** a bucket created empty at start */
  bucket: string;
  /** the folder s3rver stores objects in (tests plant objects there only through the API) */
  directory: string;
  stop(): Promise<void>;
}

export async function startS3TestServer(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? "ordo-test";
  const directory = await mkdtemp(path.join(os.tmpdir(), "ordo-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    bucket,
    directory,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
