// An S3-compatible server for the compose test, in MinIO's place: s3rver on S3_PORT, its objects in
// /data, with the bucket made (as compose's minio-bucket does). Credentials: S3RVER / S3RVER.
const S3rver = require('s3rver');

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.env.S3_PORT || 9000),
  directory: '/data',
  silent: true,
  configureBuckets: [{ name: process.env.S3_BUCKET || 'fluxquery-exports', configs: [] }],
});
server.run().then(
  () => process.stdout.write(`s3 stand-in on 127.0.0.1:${process.env.S3_PORT || 9000}\n`),
  (error) => {
    process.stderr.write(`s3 stand-in failed: ${error.message}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
