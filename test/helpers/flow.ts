/** A tiny cookie-keeping HTTP driver for the login → PIN → consent pages (what a browser does, without one). */
export class Browser {
  private jar = new Map<string, string>();

  private store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  private cookie() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.cookie() } });
    this.store(res);
    return res;
  }

  async post(url: string, fields: Record<string, string>) {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    this.store(res);
    return res;
  }

  /** Follows redirects on this server until one leaves it (the client's redirect_uri) or a page answers. */
  async follow(res: Response, base: string): Promise<{ res: Response; url: string }> {
    let url = res.url;
    while (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, base).toString();
      if (!next.startsWith(base)) return { res, url: next };
      url = next;
      res = await this.get(next);
    }
    return { res, url };
  }
}

/** Drives the interaction pages: login (and PIN) then consent; answers the final redirect URL. */
export async function authorize(b: Browser, base: string, authUrl: string, login: { login: string; password: string; pin?: string }, decision = 'allow') {
  let { res, url } = await b.follow(await b.get(authUrl), base);
  for (let step = 0; step < 6; step++) {
    if (!url.startsWith(base)) return url;
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${res.status} ${html.slice(0, 300)}`);
    const fields: Record<string, string> = action.endsWith('/login')
      ? { login: login.login, password: login.password }
      : action.endsWith('/pin')
        ? { pin: login.pin ?? '' }
        : { decision };
    ({ res, url } = await b.follow(await b.post(new URL(action, base).toString(), fields), base));
  }
  throw new Error('too many steps');
}
