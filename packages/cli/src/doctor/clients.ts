import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { defaultProvider } from "@aws-sdk/credential-provider-node";

/** The AWS clients the doctor calls, by service. */
export interface DoctorClients {
  cloudFormation: CloudFormationClient;
  iam: IAMClient;
  organizations: OrganizationsClient;
  sns: SNSClient;
  ssm: SSMClient;
  sts: STSClient;
}

/** Static keys (an assumed role's) or a provider (a named profile's); absent means the caller's default chain. */
export type Credentials = NonNullable<STSClientConfig["credentials"]>;

/**
 * Makes the client of a service for a region, as the caller or with other credentials. Injected so
 * tests hand out clients they drive with aws-sdk-client-mock, one per service, region and identity.
 */
export type ClientFactory = <S extends keyof DoctorClients>(service: S, region: string, credentials?: Credentials) => DoctorClients[S];

const CONSTRUCTORS: { [S in keyof DoctorClients]: new (config: { region: string; credentials?: Credentials }) => DoctorClients[S] } = {
  cloudFormation: CloudFormationClient,
  iam: IAMClient,
  organizations: OrganizationsClient,
  sns: SNSClient,
  ssm: SSMClient,
  sts: STSClient,
};

/** Real SDK clients from the default credential chain; `destroy` closes every client made, so the process can exit. */
export function sdkClients(): { client: ClientFactory; destroy(): void } {
  const made: { destroy(): void }[] = [];
  const client: ClientFactory = (service, region, credentials) => {
    const made1 = new CONSTRUCTORS[service]({ region, ...(credentials ? { credentials } : {}) });
    made.push(made1);
    return made1;
  };
  return { client, destroy: () => made.forEach((one) => one.destroy()) };
}

/** A named profile of the shared AWS config (SSO, assume-role and static profiles alike). */
export function profileCredentials(profile: string): Credentials {
  return defaultProvider({ profile });
}
