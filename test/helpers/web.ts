// A person at a browser, as far as the collector can tell: a cookie jar, forms with their CSRF token,
// redirects not followed (so tests see them), and users added straight into the database.
import { UserStore } from "../../collector/auth/users.js";
import { openDatabase } from "../../collector/db/database.js";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request("GET", path, undefined, headers);
  }

  /**
   * Posts a form as a browser would, with the page's CSRF token unless `form` says otherwise; a
   * list of pairs sends a name more than once, as ticked check boxes are.
   */
  async post(
    path: string,
    form: Record<string, string> | [string, string][],
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return this.request("POST", path, new URLSearchParams(form).toString(), {
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    });
  }

  /** Posts JSON to the API as a script would, its CSRF token in X-CSRF-Token. */
  async postJson(path: string, body: unknown, csrf: string | undefined): Promise<Answer> {
    return this.request("POST", path, body === undefined ? undefined : JSON.stringify(body), {
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(csrf ? { "X-CSRF-Token": csrf } : {}),
    });
  }

  async request(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(new URL(path, this.base), {
      method,
      body,
      redirect: "manual",
      headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** The CSRF token in the first form of a page. */
  async csrf(path = "/"): Promise<string> {
    const page = await this.get(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (${page.status}): ${page.text}`);
    return token;
  }

  /** Logs in through the login form; returns the answer to the POST. */
  async login(name: string, password: string, next = "/"): Promise<Answer> {
    const token = await this.csrf(`/login?next=${encodeURIComponent(next)}`);
    return this.post("/login", { _csrf: token, name, password, next });
  }
}

export const PASSWORD = "correct horse battery staple";

/** Adds users to a collector's database (the collector may be running). */
export async function addUsers(
  database: string,
  users: { name: string; role: string; unit?: string; password?: string; leader?: boolean }[],
): Promise<void> {
  const db = openDatabase(database);
  try {
    const store = new UserStore(db);
    for (const user of users) {
      await store.add(user.name, user.role, user.unit, user.password ?? PASSWORD, Date.now(), {
        leader: user.leader ?? false,
      });
    }
  } finally {
    db.close();
  }
}
