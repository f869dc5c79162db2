import * as z from "zod";

/**
 * GetAccountPasswordPolicy's PasswordPolicy, as the password check reads it. One schema for every
 * way a policy comes in (a snapshot part, a downloaded file), so each is refused for the same reasons.
 */
export const passwordPolicySchema = z.object({
  MinimumPasswordLength: z.number().int().min(0).optional(),
  RequireSymbols: z.boolean().optional(),
  RequireNumbers: z.boolean().optional(),
  RequireUppercaseCharacters: z.boolean().optional(),
  RequireLowercaseCharacters: z.boolean().optional(),
  AllowUsersToChangePassword: z.boolean().optional(),
  ExpirePasswords: z.boolean().optional(),
  MaxPasswordAge: z.number().int().min(0).optional(),
  PasswordReusePrevention: z.number().int().min(0).optional(),
  HardExpiry: z.boolean().optional(),
});
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;
