// The console's HTTP API as a browser uses it, without a browser.
export const UA = 'Mozilla/5.0 (ConsoleTest) Chromium/1.0';

/** A browser-like HTTP client: keeps cookies, sends the CSRF token it was given. */
export class HttpBrowser {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly url: string,
    readonly userAgent = UA,
  ) {}

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        'user-agent': this.userAgent,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body !== undefined ? { 'content-type': 'application/json', 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value) this.cookies.set(pair.slice(0, eq), value);
      else this.cookies.delete(pair.slice(0, eq));
    }
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  }

  async session() {
    const r = await this.send('GET', '/console/api/session');
    this.csrf = r.json.csrf;
    return r;
  }

  async signIn(form: Record<string, string>) {
    await this.session();
    const r = await this.send('POST', '/console/api/sign-in', form);
    if (r.status === 200) await this.session();
    return r;
  }
}
