import type { Check } from "../Check.ts";
import type { ClientFactory, Credentials } from "../clients.ts";
import type { DoctorConfig } from "../doctorConfig.ts";
import { DEFAULT_AUDIT_ROLE_NAME } from "@vigil/monitor";
import { check } from "../Check.ts";
import { checkAuditRoles } from "./auditRoles.ts";
import { checkManagementSpoke } from "./managementSpoke.ts";
import { readOrganizationFacts } from "./organizationFacts.ts";
import { checkSpokeStackSet } from "./spokeStackSet.ts";

export interface OrganizationInput {
  stage: string;
  config: DoctorConfig;
  /** The home region and the forwarder regions. */
  regions: readonly string[];
  callerAccount: string;
  monitorOutputs: Record<string, string> | undefined;
  managementProfile: { name: string; credentials: Credentials } | undefined;
  memberRole: string | undefined;
  sample: number;
  random: () => number;
  rerun: string;
}

/** The organization mode's parts: the organization itself, the spoke StackSet, the management spoke, the audit roles. */
export async function checkOrganization(client: ClientFactory, input: OrganizationInput): Promise<Check[]> {
  const facts = await readOrganizationFacts(client, input.stage, input.config);
  const management = facts.managementAccountId;
  if (!management) {
    return [...facts.checks, check("Organization", "unchecked", "spoke", "could not check: the management account is unknown (neither Organizations nor the stage configuration named it)")];
  }
  const callAs = input.callerAccount === management ? "SELF" : "DELEGATED_ADMIN";
  const [stackSet, managementSpoke, auditRoles] = await Promise.all([
    checkSpokeStackSet(client, { stage: input.stage, regions: input.regions, callAs, accounts: facts.accounts, managementAccountId: management }),
    checkManagementSpoke(client, { stage: input.stage, regions: input.regions, managementAccountId: management, callerAccount: input.callerAccount, profile: input.managementProfile, rerun: input.rerun }),
    checkAuditRoles(client, {
      accounts: facts.accounts,
      auditRoleName: input.config.organization?.auditRoleName ?? DEFAULT_AUDIT_ROLE_NAME,
      postureRoleArn: input.monitorOutputs?.PostureRoleArn,
      monitorOutputsRead: input.monitorOutputs !== undefined,
      memberRole: input.memberRole,
      assumeWith: input.managementProfile?.credentials,
      readDirectly: new Map<string, Credentials | undefined>([
        [input.callerAccount, undefined],
        ...(input.managementProfile && input.callerAccount !== management ? [[management, input.managementProfile.credentials] as const] : []),
      ]),
      sample: input.sample,
      random: input.random,
      rerun: input.rerun,
    }),
  ]);
  return [...facts.checks, ...stackSet, ...managementSpoke, ...auditRoles];
}
