import { describe, expect, it } from "vitest";
import { findingsOf, NOW, ROOT, snapshot, summaries } from "../snapshot.ts";

const ID = "expired-server-certificates";
const certificate = (name: string, expiration: string) => ({ name, arn: `arn:aws:iam::111122223333:server-certificate/${name}`, expiration });

describe("Check: expired-server-certificates", () => {
  it("reports each expired certificate, with how long ago it expired, and not the valid one", () => {
    const serverCertificates = [
      certificate("www-2025", "2026-10-08T00:00:00Z"),
      certificate("www-2026", "2027-10-08T00:00:00Z"),
      certificate("api-2025", NOW.toISOString()),
    ];
    const findings = findingsOf(ID, snapshot({ serverCertificates }));
    expect(summaries(findings)).toEqual([
      "Server certificate www-2025 expired 45 days ago (2026-10-08T00:00:00Z).",
      `Server certificate api-2025 expired today (${NOW.toISOString()}).`,
    ]);
    expect(findings.map(({ severity, principal, resource }) => ({ severity, principal, resource }))).toEqual([
      { severity: "LOW", principal: ROOT, resource: "arn:aws:iam::111122223333:server-certificate/www-2025" },
      { severity: "LOW", principal: ROOT, resource: "arn:aws:iam::111122223333:server-certificate/api-2025" },
    ]);
  });

  it("is silent when every certificate is valid", () => {
    expect(findingsOf(ID, snapshot({ serverCertificates: [certificate("www-2026", "2027-10-08T00:00:00Z")] }))).toEqual([]);
  });
});
