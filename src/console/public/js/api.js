// The console's calls to its server. State-changing calls carry the session's CSRF token.
let csrf = '';
export const setCsrf = (token) => (csrf = token);

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new ApiError(res.status, data.error?.code ?? `HTTP${res.status}`, data.error?.message ?? res.statusText);
    if (res.status === 401 && path !== '/console/api/sign-in') window.dispatchEvent(new CustomEvent('signed-out'));
    throw err;
  }
  return data;
}

export const get = (path, params) => request('GET', params ? `${path}?${new URLSearchParams(params)}` : path);
export const post = (path, body = {}) => request('POST', path, body);

/** One audited API call, made by the server as the signed-in user. */
export async function call(service, operation, input = {}, region) {
  return (await post(`/console/api/call/${service}/${operation}`, { input, region })).output;
}
