import { CIS } from "../../rules/references.ts";
import { ago, daysSince } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const expiredServerCertificates = definePostureCheck({
  meta: {
    id: "expired-server-certificates",
    title: "Expired server certificate stored in IAM",
    severity: "LOW",
    description:
      "An SSL/TLS server certificate stored in IAM has expired. It protects nothing any more, and left in place it can be deployed to a load balancer or CloudFront by mistake, breaking the service or its clients' trust. Each certificate is its own finding.",
    remediation:
      "Check that nothing still uses the certificate, then delete it (`aws iam delete-server-certificate --server-certificate-name <name>`). Prefer AWS Certificate Manager, which renews certificates itself.",
    references: [CIS.expiredCertificates],
  },
  needs: ["serverCertificates"],
  evaluate({ serverCertificates }, { accountArn, now }) {
    return serverCertificates
      .filter((certificate) => Date.parse(certificate.expiration) <= now.getTime())
      .map((certificate) => ({
        principal: accountArn,
        resource: certificate.arn,
        key: certificate.arn,
        summary: `Server certificate ${certificate.name} expired ${ago(daysSince(certificate.expiration, now))} (${certificate.expiration}).`,
        details: { name: certificate.name, expiration: certificate.expiration },
      }));
  },
});
