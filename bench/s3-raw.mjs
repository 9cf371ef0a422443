// The baseline of bench/s3.mjs: files up to and down from a bucket through the AWS SDK and nothing
// else, as `aws s3 cp` moves them (one file after another; over 8 MiB in 8 MiB parts, up to 10 at a
// time), with the client settings tc uses. bench/s3.mjs bundles it with esbuild, as tc's commands are
// bundled, and runs it as a command, so that both pay for Node's start and the SDK's load.
//
//   node raw.cjs upload <endpoint> <bucket> <key>=<file>...
//   node raw.cjs download <endpoint> <bucket> <key>=<file>...
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [mode, endpoint, bucket, ...pairs] = process.argv.slice(2);
const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 16 } },
});
const PART = 8 * 1024 * 1024;

async function main() {
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const [key, file] = [pair.slice(0, at), pair.slice(at + 1)];
    if (mode === 'upload') {
      const size = statSync(file).size;
      if (size <= PART) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
      else await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }, partSize: PART, queueSize: 10 }).done();
    } else if (mode === 'download') {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(r.Body, createWriteStream(file));
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
