/**
 * The page frame: one stylesheet and two scripts from this server (htmx and
 * the dashboard's own), no inline code (the Content-Security-Policy forbids
 * it). The CSRF token rides on every htmx request through `hx-headers` and on
 * every form as a hidden field.
 */
import type { Child } from "hono/jsx";
import type { Principal } from "../../server/auth/rbac.js";
import { may } from "../access.js";

export interface Viewer {
  readonly principal: Principal;
  readonly csrf: string;
}

const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
});

export function Layout(props: { title: string; viewer?: Viewer | undefined; children?: Child }) {
  const { viewer } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · codeploy`}</title>
        <link rel="stylesheet" href="/ui/assets/dashboard.css" />
        <script src="/ui/assets/htmx.min.js" defer />
        <script src="/ui/assets/dashboard.js" defer />
      </head>
      <body hx-headers={viewer ? JSON.stringify({ "X-CSRF-Token": viewer.csrf }) : undefined}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">codeploy</span>
          {viewer ? <Nav viewer={viewer} /> : null}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

function Nav({ viewer }: { viewer: Viewer }) {
  const p = viewer.principal;
  return (
    <nav aria-label="Main">
      <ul>
        <li>
          <a href="/">Apps</a>
        </li>
        {may(p, "deploy") ? (
          <li>
            <a href="/ui/new">New deployment</a>
          </li>
        ) : null}
        <li>
          <a href="/ui/audit">Audit</a>
        </li>
        {may(p, "interpret") ? (
          <li>
            <a href="/ui/experts">Experts</a>
          </li>
        ) : null}
      </ul>
      <span class="who">
        {p.actor} ({p.role})
      </span>
      <form method="post" action="/ui/sign-out" class="inline">
        <Csrf viewer={viewer} />
        <button type="submit">Sign out</button>
      </form>
    </nav>
  );
}

export function Csrf({ viewer }: { viewer: Viewer }) {
  return <input type="hidden" name="_csrf" value={viewer.csrf} />;
}

/** Seconds, minutes, hours or days since an ISO time. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (iso === undefined) return "";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function Badge({ value }: { value: string | undefined }) {
  const v = value ?? "none";
  return <span class={`badge b-${v.replace(/[^a-z-]/g, "")}`}>{v}</span>;
}

export function ErrorBox(props: { code: string; message: string; hint?: string | undefined }) {
  return (
    <div class="error" role="alert">
      <p>
        <strong>{props.code}</strong>: {props.message}
      </p>
      {props.hint ? <p class="hint">Hint: {props.hint}</p> : null}
    </div>
  );
}

export const appPath = (app: string, environment: string) =>
  `/ui/apps/${encodeURIComponent(app)}/${encodeURIComponent(environment)}`;
