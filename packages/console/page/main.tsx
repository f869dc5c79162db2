import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { render } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { FindingPage } from "./pages/FindingPage.tsx";
import { FindingsPage } from "./pages/FindingsPage.tsx";
import { OverviewPage } from "./pages/OverviewPage.tsx";
import { RulesPage } from "./pages/RulesPage.tsx";
import { interceptLinks, type Location, useLocation } from "./router.ts";

function pageFor(location: Location) {
  const { path } = location;
  if (path === "/" || path === "") return { key: "overview", title: "Overview", view: <OverviewPage /> };
  if (path === "/findings" || path === "/findings/") return { key: "findings", title: "Findings", view: <FindingsPage query={location.query} /> };
  if (path.startsWith("/findings/")) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice("/findings/".length));
    } catch {
      id = path.slice("/findings/".length);
    }
    return { key: `finding:${id}`, title: "Finding", view: <FindingPage id={id} /> };
  }
  if (path === "/rules") return { key: "rules", title: "Rules", view: <RulesPage /> };
  return { key: "missing", title: "Not found", view: <h1 tabIndex={-1}>No such page</h1> };
}

const NAV: [string, string][] = [
  ["/", "Overview"],
  ["/findings", "Findings"],
  ["/rules", "Rules"],
];

function App() {
  const location = useLocation();
  const page = pageFor(location);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const section = page.key.startsWith("finding") ? "/findings" : page.key === "overview" ? "/" : `/${page.key}`;

  useEffect(() => {
    document.title = `${page.title} · Vigil console`;
    // A new page: focus moves to its heading, as a page load would put it at the top (not on the first load).
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>("h1");
    (heading ?? main.current)?.focus();
  }, [page.key]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Vigil console</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={section === href ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page.view}
      </main>
    </>
  );
}

const root = document.getElementById("app")!;
interceptLinks(root);
render(<App />, root);
