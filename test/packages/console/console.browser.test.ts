import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Finding, Severity } from "@vigil/core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../../helpers/cli.ts";
import { makeFinding } from "../store-dynamodb/findingFactory.ts";
import { seededRecord } from "../api/routerHarness.ts";
import { type SeededConsole, startSeededConsole } from "../cli/consoleHarness.ts";

const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(REPO, "test-artifacts", "console");
/** Set to regenerate the README's screenshot, docs/console-overview.png. */
const UPDATE_DOCS = process.env.VIGIL_UPDATE_SCREENSHOTS === "1";
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SEVERITIES: Severity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"];
const RULES = ["root-console-login", "iam-user-created", "access-key-created", "policy-grants-full-admin", "cloudtrail-tampering", "root-access-keys-present"];
const STATUSES = ["open", "open", "acknowledged", "suppressed", "resolved"] as const;
const DAY = 86_400_000;

/** 36 findings over the last 20 days: every severity, six rules, four statuses, three principals, two accounts, mixed by a fixed pseudo-random sequence. */
function consoleFindings(now = Date.now()): Finding[] {
  let seed = 7;
  const next = (bound: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((seed / 2_147_483_648) * bound);
  };
  return Array.from({ length: 36 }, (_, n) => {
    const ruleId = RULES[n % RULES.length]!;
    const account = next(3) === 0 ? "444455556666" : "111122223333";
    const time = new Date(now - next(20) * DAY - n * 60_000 - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return makeFinding(n, {
      id: `${ruleId}:${n.toString(16).padStart(24, "0")}`,
      // The first stands on three events, as a threshold finding does: only the last one's record is at hand.
      ...(n === 0 ? { eventIds: ["earlier-event-1", "earlier-event-2", `event-${n}`] } : {}),
      ruleId,
      title: `${ruleId.replaceAll("-", " ")} #${n}`,
      severity: SEVERITIES[next(SEVERITIES.length)]!,
      status: STATUSES[next(STATUSES.length)]!,
      account,
      eventTime: time,
      principal: [`arn:aws:iam::${account}:root`, `arn:aws:iam::${account}:user/bob`, `arn:aws:iam::${account}:role/deployer`][next(3)]!,
      references: [
        { framework: "CIS AWS Foundations Benchmark v3.0.0", id: "1.7", title: "Eliminate use of the root user" },
        { framework: "MITRE ATT&CK", id: "T1078.004", title: "Valid Accounts: Cloud Accounts" },
      ],
    });
  });
}

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (set VIGIL_CHROMIUM or install chromium)`);

describe.skipIf(!hasChromium)("console in headless Chromium", () => {
  const findings = consoleFindings();
  let running: SeededConsole;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const cspReports: string[] = [];
  const documentHeaders: Record<string, string>[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startSeededConsole(findings, { sourceEvents: (finding) => [seededRecord(finding, { awsRegion: "eu-north-1" })] });
    origin = running.server.origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // The page as served: its CSP enforced.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspReports.push(message.text());
    });
    page.on("response", async (response) => {
      if (response.request().resourceType() === "document") documentHeaders.push(await response.allHeaders());
    });
    await page.goto(running.server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  async function openFindings(): Promise<Finding[]> {
    const open: Finding[] = [];
    let cursor: string | undefined;
    do {
      const result = await running.store.reader.listFindings({ status: "open", limit: 100, ...(cursor ? { cursor } : {}) });
      open.push(...result.items);
      cursor = result.cursor;
    } while (cursor);
    return open;
  }

  const rowIds = (target: Page) => target.locator("table.findings tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-finding-id")));

  it("trades the token for the cookie and drops it from the address", async () => {
    expect(page.url()).toBe(`${origin}/`);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: `vigil_console_${new URL(origin).port}`, httpOnly: true, sameSite: "Strict" })]);
  });

  it("overview: the numbers equal the store's, the chart has a name and its numbers as a table", async () => {
    await page.getByTestId("open-total").waitFor();
    const open = await openFindings();
    expect(await page.getByTestId("open-total").textContent()).toBe(String(open.length));
    for (const severity of SEVERITIES) {
      expect(await page.getByTestId(`open-${severity}`).textContent(), severity).toBe(String(open.filter((f) => f.severity === severity).length));
    }
    const chart = page.getByRole("img", { name: /Chart of new findings per day/ });
    expect(await chart.getAttribute("aria-label")).toContain(`${findings.length} in all`);
    expect(await chart.locator("canvas").count()).toBe(1);
    if (UPDATE_DOCS) await page.screenshot({ path: join(REPO, "docs", "console-overview.png") });
    await page.getByRole("button", { name: "Show the numbers as a table" }).click();
    const cells = await page.locator("#per-day-table tbody td").allTextContents();
    expect(cells.reduce((sum, cell) => sum + Number(cell), 0)).toBe(findings.length);
    const topRule = page.locator("section[aria-labelledby=top-rules] tbody tr").first();
    const [rule, count] = [await topRule.locator("th").textContent(), await topRule.locator("a").textContent()];
    expect(Number(count)).toBe(open.filter((f) => f.ruleId === rule).length);
    await page.screenshot({ path: join(ARTIFACTS, "overview.png"), fullPage: true });
  });

  it("findings: a number of the overview opens the filtered list; filters go to the URL and survive a reload", async () => {
    await page.getByTestId("open-HIGH").click();
    await page.waitForURL(`${origin}/findings?status=open&severity=HIGH`);
    await expect.poll(() => rowIds(page)).toHaveLength((await openFindings()).filter((f) => f.severity === "CRITICAL" || f.severity === "HIGH").length);
    expect(await page.locator("h1:focus").count()).toBe(1);

    await page.getByLabel("Principal (ARN)").fill("arn:aws:iam::111122223333:user/bob");
    await page.getByLabel("Per page").selectOption("5");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/principal=/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: "open", severity: "HIGH", principal: "arn:aws:iam::111122223333:user/bob", limit: "5" });
    const expected = findings
      .filter((f) => f.status === "open" && (f.severity === "CRITICAL" || f.severity === "HIGH") && f.principal === "arn:aws:iam::111122223333:user/bob")
      .map((f) => f.id)
      .sort();
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(expected);
    const before = await rowIds(page);

    await page.reload();
    await page.locator("table.findings").waitFor();
    expect(page.url()).toBe(url.href);
    expect((await rowIds(page)).sort()).toEqual(before.sort());
    expect(await page.getByLabel("Status").inputValue()).toBe("open");
    expect(await page.getByLabel("Severity (at or above)").inputValue()).toBe("HIGH");
    expect(await page.getByLabel("Principal (ARN)").inputValue()).toBe("arn:aws:iam::111122223333:user/bob");
    expect(await page.getByLabel("Per page").inputValue()).toBe("5");
  });

  it("findings: newest first, cursor pagination forwards and back", async () => {
    await page.goto(`${origin}/findings?limit=10`);
    await page.locator("table.findings").waitFor();
    const newest = [...findings].sort((a, b) => Date.parse(b.eventTime!) - Date.parse(a.eventTime!)).map((f) => f.id);
    const pages: (string | null)[][] = [await rowIds(page)];
    expect(pages[0]).toEqual(newest.slice(0, 10));
    for (let n = 1; n < 4; n++) {
      await page.getByRole("button", { name: "Next page" }).click();
      // The next page is in once rows show again and they are others (while it loads, the table is gone).
      await expect.poll(async () => {
        const ids = await rowIds(page);
        return ids.length > 0 && ids[0] !== pages[n - 1]![0];
      }).toBe(true);
      pages.push(await rowIds(page));
      expect(new URL(page.url()).searchParams.get("cursor")).toBeTruthy();
    }
    expect(pages.flat()).toEqual(newest);
    expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rowIds(page)).toEqual(pages[2]);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rowIds(page)).toEqual(pages[1]);
    await page.screenshot({ path: join(ARTIFACTS, "findings.png"), fullPage: true });
  });

  it("finding: suppress with a reason changes the status and the history; an impossible move shows the 409 in words", async () => {
    const target = findings.find((f) => f.status === "open" && f.severity === "CRITICAL")!;
    await page.goto(`${origin}/findings?status=open&severity=CRITICAL`);
    await page.getByRole("link", { name: target.title }).click();
    await page.waitForURL(`${origin}/findings/${encodeURIComponent(target.id)}`);
    await page.getByRole("heading", { level: 1, name: target.title }).waitFor();
    expect(await page.getByTestId("finding-status").textContent()).toBe("open");
    expect(await page.getByLabel("The finding's event fields, as JSON").textContent()).toContain(target.eventId!);
    // The record it was made from, pretty-printed, under its event id in a named region.
    const records = page.getByRole("region", { name: "CloudTrail records" });
    expect(await records.getByRole("heading", { level: 3 }).allTextContents()).toEqual([target.eventId!]);
    const text = await records.getByLabel(target.eventId!, { exact: true }).textContent();
    expect(text).toContain(`"eventID": "${target.eventId}"`);
    expect(text).toContain(`  "awsRegion": "eu-north-1",`);
    expect(JSON.parse(text!)).toEqual(JSON.parse(JSON.stringify(seededRecord(target, { awsRegion: "eu-north-1" }))));
    expect(await page.getByRole("link", { name: /ATT&CK T1078\.004/ }).getAttribute("href")).toBe("https://attack.mitre.org/techniques/T1078/004/");

    await page.getByLabel("Suppress").check();
    await page.getByLabel("Reason (required)").fill("break-glass drill, approved in CHG-1234");
    await page.getByLabel("Suppressed until (UTC, optional)").fill("2027-01-31T12:00");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.getByTestId("finding-status").textContent()).toBe("suppressed");
    const history = page.getByTestId("history").locator("li");
    await expect.poll(() => history.count()).toBe(2);
    expect(await history.nth(1).textContent()).toMatch(/suppress open → suppressed: “break-glass drill, approved in CHG-1234” until 2027-01-31 12:00 UTC/);
    expect((await running.store.reader.getFindingWithHistory(target.id))!.finding.status).toBe("suppressed");

    await page.getByLabel("Acknowledge").check();
    await page.getByRole("button", { name: "Apply" }).click();
    const message = page.getByRole("alert");
    await message.waitFor();
    expect(await message.textContent()).toMatch(/^This change is not possible from the finding's current status \(HTTP 409\): cannot acknowledge finding .* it is suppressed/);
    expect(await page.getByTestId("finding-status").textContent()).toBe("suppressed");
    await page.screenshot({ path: join(ARTIFACTS, "finding.png"), fullPage: true });
  });

  it("finding: says in words which events' records were not kept, and why", async () => {
    const threshold = findings[0]!;
    await page.goto(`${origin}/findings/${encodeURIComponent(threshold.id)}`);
    const records = page.getByRole("region", { name: "CloudTrail records" });
    await records.getByTestId("source-record").waitFor();
    expect(await records.getByRole("heading", { level: 3 }).allTextContents()).toEqual([threshold.eventId!]);
    const notKept = records.getByTestId("records-not-kept");
    expect(await notKept.textContent()).toContain("The records of 2 events were not kept:");
    expect(await notKept.locator("li").allTextContents()).toEqual([
      "earlier-event-1: an earlier event of this rule's window: Vigil remembered only its id when the finding was made.",
      "earlier-event-2: an earlier event of this rule's window: Vigil remembered only its id when the finding was made.",
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "finding-records.png"), fullPage: true });
  });

  it("findings: bulk acknowledge of the selected rows", async () => {
    await page.goto(`${origin}/findings?status=open&limit=5`);
    await page.locator("table.findings").waitFor();
    const ids = (await rowIds(page)).slice(0, 2) as string[];
    for (const id of ids) await page.locator(`tr[data-finding-id="${id}"] input[type=checkbox]`).check();
    await page.getByLabel("Reason").fill("triaged in bulk");
    await page.getByRole("button", { name: "Acknowledge selected" }).click();
    await expect.poll(() => page.getByTestId("bulk-outcome").textContent()).toBe("Acknowledged 2 of 2 findings.");
    for (const id of ids) {
      const { finding, history } = (await running.store.reader.getFindingWithHistory(id))!;
      expect(finding.status).toBe("acknowledged");
      expect(history.at(-1)).toMatchObject({ action: "acknowledge", reason: "triaged in bulk" });
    }
    await expect.poll(async () => (await rowIds(page)).some((id) => ids.includes(id!))).toBe(false);
  });

  it("keyboard only: skip link, navigation, row selection and opening a finding", async () => {
    await page.goto(`${origin}/`);
    await page.getByTestId("open-total").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string | undefined>("document.activeElement?.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate<string | undefined>("document.activeElement?.id")).toBe("main");
    // Back up from the content to the navigation: Rules, then Findings.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate<string | undefined>("document.activeElement?.textContent")).toBe("Findings");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${origin}/findings`);
    await page.locator("table.findings").waitFor();
    expect(await page.evaluate<string | undefined>("document.activeElement?.tagName")).toBe("H1");
    // Tab to the first row's checkbox, select it with Space, then on to its link and open it with Enter.
    const firstId = (await rowIds(page))[0]!;
    for (let n = 0; n < 40; n++) {
      await page.keyboard.press("Tab");
      if ((await page.locator(`tr[data-finding-id="${firstId}"] input[type=checkbox]:focus`).count()) === 1) break;
    }
    await page.keyboard.press("Space");
    expect(await page.locator(`tr[data-finding-id="${firstId}"] input[type=checkbox]`).isChecked()).toBe(true);
    expect(await page.getByRole("button", { name: "Acknowledge selected" }).isEnabled()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string | undefined>("document.activeElement?.tagName")).toBe("A");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${origin}/findings/${encodeURIComponent(firstId)}`);
    await page.locator("h1").waitFor();
    expect(await page.evaluate<string | undefined>("document.activeElement?.tagName")).toBe("H1");
  });

  it("rules: the catalogue with the effective configuration", async () => {
    await page.goto(`${origin}/rules`);
    await page.locator("table.rules").waitFor();
    const rules = (await (await page.request.get(`${origin}/api/rules`)).json()) as { rules: { id: string }[] };
    expect(await page.locator("table.rules tbody tr").count()).toBe(rules.rules.length);
    await page.screenshot({ path: join(ARTIFACTS, "rules.png"), fullPage: true });
  });

  it("loads nothing from elsewhere, keeps to its CSP and serves it on every page", () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => new URL(url).host !== new URL(origin).host)).toEqual([]);
    expect(cspReports).toEqual([]);
    expect(documentHeaders.length).toBeGreaterThan(3);
    for (const headers of documentHeaders) expect(headers["content-security-policy"]).toBe(CSP);
  });

  it("axe-core: no serious or critical violation on any page", async () => {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    // Only to inject axe: the served pages' CSP is asserted above, with CSP enforced.
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    try {
      const axePage = await axeContext.newPage();
      await axePage.goto(running.server.url);
      const target = findings[1]!;
      const pages: [string, string][] = [
        ["/", "[data-testid=open-total]"],
        ["/findings?limit=10", "table.findings"],
        [`/findings/${encodeURIComponent(target.id)}`, "[data-testid=history]"],
        ["/rules", "table.rules"],
      ];
      const found: string[] = [];
      const checked: string[] = [];
      for (const [path, ready] of pages) {
        await axePage.goto(`${origin}${path}`);
        await axePage.locator(ready).waitFor();
        await axePage.addScriptTag({ content: axeSource });
        // A string, evaluated in the page: the test's own types know no DOM.
        const violations = await axePage.evaluate<{ id: string; impact: string; nodes: { target: unknown }[] }[]>("axe.run(document).then((result) => result.violations)");
        checked.push(`${path}: ${violations.length} violations (${violations.map((v) => `${v.id}/${v.impact}`).join(", ") || "none"})`);
        for (const violation of violations) {
          if (violation.impact === "serious" || violation.impact === "critical") found.push(`${path}: ${violation.id} (${violation.impact}) at ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
        }
      }
      expect(found).toEqual([]);
      expect(checked).toHaveLength(pages.length);
      console.info(`axe-core ${checked.join("; ")}`);
    } finally {
      await axeContext.close();
    }
  });
});
