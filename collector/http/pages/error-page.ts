// An error as a page in the reader's language, in the common frame: what happened in words, the
// collector's own message for IT staff behind the details, and a way back (the overview, and the
// page the reader came from when it is on this site).
import { technical } from "./components.js";
import { html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";

const KNOWN = [400, 403, 404, 405, 429, 500, 503] as const;
type Known = (typeof KNOWN)[number];

export function renderError(
  chrome: Chrome,
  status: number,
  message: string,
  referer: string | undefined,
): string {
  const { t } = chrome.f;
  const known: Known = (KNOWN as readonly number[]).includes(status)
    ? (status as Known)
    : status >= 500
      ? 500
      : 400;
  const back = referer !== undefined ? html` · <a href="${referer}">${t.errors.back}</a>` : "";
  const body = html`<h1>${t.errors.titles[known]}</h1>
<p>${t.errors.explain[known]}</p>
${technical(t, `${status}: ${message}`)}
<p><a href="${link(chrome, "/")}">${t.errors.home}</a>${back}</p>`;
  return layout(chrome, t.errors.titles[known], body);
}

/** The page a request came from, when it is a path on this site (Referrer-Policy: same-origin). */
export function sameSiteReferer(
  referer: string | undefined,
  host: string | undefined,
): string | undefined {
  if (!referer || !host) return undefined;
  try {
    const url = new URL(referer);
    return url.host === host ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}
