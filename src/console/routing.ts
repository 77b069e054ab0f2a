// Which requests the console owns. The console shares the API port, so a request that carries
// any sign of an AWS API call (a SigV4 signature, presigned query, X-Amz-Target) is the API's,
// even on a console path: the pipeline then answers it (or refuses it) as AWS would.

const API_QUERY = /(?:^|&)X-Amz-(?:Credential|Signature|Algorithm)=/i;

export function isApiRequest(headers: Record<string, string | string[] | undefined>, rawUrl: string): boolean {
  if (headers['authorization'] !== undefined || headers['x-amz-target'] !== undefined || headers['x-amz-security-token'] !== undefined) return true;
  const q = rawUrl.indexOf('?');
  return q >= 0 && API_QUERY.test(rawUrl.slice(q + 1));
}
