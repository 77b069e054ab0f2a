// s3rver 3.7.1's filesystem store answers a PUT once its MD5 stream has seen the last byte, before
// its file stream has written it, so a GET right after the PUT can read a short or empty object (a
// CI run restored an empty digest that way). This putObject resolves once the file holds every
// byte; the rest is s3rver's own. Loaded into s3rver's process by s3rver.ts, and by its test.
const { createHash } = require('node:crypto');
const { createWriteStream } = require('node:fs');
const { mkdir } = require('node:fs/promises');
const { dirname } = require('node:path');
const { Readable, Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');

module.exports = function durablePuts(FilesystemStore) {
  FilesystemStore.prototype.putObject = async function putObject(object) {
    const file = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(file), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    const count = new Transform({
      transform(chunk, encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(content, count, createWriteStream(file));
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
};
