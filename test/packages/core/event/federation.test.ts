import { federatedBy, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";

const record = (file: string): Record<string, any> => {
  const value = loadFixture<Record<string, any>>(file);
  return value.Records?.[0] ?? value.detail ?? value;
};
const federation = (value: Record<string, unknown>) => federatedBy(parseEvent(value));

const SSO_LOGIN = record("rules/console-login-without-mfa/negative-identity-center-permission-set.json");
const PLAIN_ROLE = record("rules/mfa-device-registered-for-other-user/positive-virtual-device-without-mfa.json");

describe("Function: federatedBy", () => {
  it("knows an Identity Center permission set's session by its role's reserved path, with or without a region", () => {
    expect(federation(SSO_LOGIN)).toBe("identity-center");
    expect(federation(record("rules/console-login-without-mfa/negative-sso-sign-in-eventbridge.json"))).toBe("identity-center");
  });

  it("does not take a role for Identity Center's because of its name alone: anyone may name a role AWSReservedSSO_", () => {
    const impostor = structuredClone(SSO_LOGIN);
    impostor.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::111122223333:role/AWSReservedSSO_PowerUserAccess_8f3c2a1b0d9e7c6b";
    expect(federation(impostor)).toBeUndefined();
  });

  it("knows a SAML sign-in by its provider, and AssumeRoleWithSAML by its SAMLUser identity", () => {
    expect(federation(record("rules/console-login-without-mfa/negative-saml-federation.json"))).toBe("saml");
    const assumeRoleWithSaml = {
      ...PLAIN_ROLE,
      eventSource: "sts.amazonaws.com",
      eventName: "AssumeRoleWithSAML",
      userIdentity: { type: "SAMLUser", principalId: "SampleUkh1i4+ExamplexL/jEvs=:jane.doe@example.com", userName: "jane.doe@example.com", identityProvider: "SampleUkh1i4+ExamplexL/jEvs=" },
    };
    expect(federation(assumeRoleWithSaml)).toBe("saml");
  });

  it("knows a web identity by its WebIdentityUser identity or its session's provider, under either spelling", () => {
    expect(federation(record("rules/console-login-without-mfa/negative-web-identity-session.json"))).toBe("web-identity");
    const assumeRoleWithWebIdentity = {
      ...PLAIN_ROLE,
      eventSource: "sts.amazonaws.com",
      eventName: "AssumeRoleWithWebIdentity",
      userIdentity: { type: "WebIdentityUser", principalId: "accounts.google.com:116203573049520498510", userName: "116203573049520498510", identityProvider: "accounts.google.com" },
    };
    expect(federation(assumeRoleWithWebIdentity)).toBe("web-identity");
    const otherSpelling = structuredClone(PLAIN_ROLE);
    otherSpelling.userIdentity.sessionContext.webIdentityFederationData = { federatedProvider: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" };
    expect(federation(otherSpelling)).toBe("web-identity");
  });

  it("leaves IAM users, root and plain role sessions (whose webIdFederationData is empty) unfederated", () => {
    expect(federation(PLAIN_ROLE)).toBeUndefined();
    expect(federation(record("rules/console-login-without-mfa/positive-password-only.json"))).toBeUndefined();
    expect(federation(record("rules/console-login-without-mfa/negative-root-without-mfa.json"))).toBeUndefined();
  });
});
