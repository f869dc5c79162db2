import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { couldNotCheck, errorName, isAccessDenied } from "./awsError.ts";
import { type Check, check } from "./Check.ts";
import type { ClientFactory } from "./clients.ts";
import { HOME_REGION } from "./homeRegion.ts";

/**
 * The Slack webhook's SSM parameter exists, decrypts and holds an https URL. Its value is never
 * printed. A parameter the caller may not read is "could not check", not a problem: the
 * notify function's role, not the person running the doctor, is the one that must read it.
 */
export async function checkSlackParameter(client: ClientFactory, name: string): Promise<Check> {
  const subject = `Slack webhook parameter ${name}`;
  const put = `aws ssm put-parameter --region ${HOME_REGION} --type SecureString --name ${name} --value '<webhook URL>' --overwrite`;
  let value: string | undefined;
  let type: string | undefined;
  try {
    const { Parameter } = await client("ssm", HOME_REGION).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = Parameter?.Value;
    type = Parameter?.Type;
  } catch (error) {
    const name = errorName(error);
    if (name === "ParameterNotFound") return check("Notifications", "problem", subject, `absent in ${HOME_REGION}: no finding reaches Slack`, `create it: ${put}`);
    if (name === "InvalidKeyId") return check("Notifications", "problem", subject, "cannot be decrypted: its KMS key is missing or disabled", `enable the key, or store the webhook again: ${put}`);
    const { detail } = couldNotCheck("ssm:GetParameter", error);
    return check(
      "Notifications",
      "unchecked",
      subject,
      detail,
      isAccessDenied(error) ? "run vigil doctor with credentials allowed ssm:GetParameter on it and kms:Decrypt on its key" : "run vigil doctor again",
    );
  }
  if (!value || !/^https:\/\/\S+$/.test(value)) return check("Notifications", "problem", subject, "does not hold an https webhook URL", `store the webhook Slack gave you: ${put}`);
  if (type !== "SecureString") {
    return check("Notifications", "warning", subject, `readable, but a ${type ?? "plain"} parameter: the webhook is stored unencrypted`, `store it again as a SecureString: ${put}`);
  }
  return check("Notifications", "ok", subject, "readable SecureString holding an https URL");
}
