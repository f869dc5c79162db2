import * as z from "zod";

/**
 * Access Advisor's answer for one principal: GetServiceLastAccessedDetails of a completed
 * GenerateServiceLastAccessedDetails job (ACTION_LEVEL), with AWS's field names and times as ISO
 * text, as `aws iam get-service-last-accessed-details` writes them. It lists the services the
 * principal's policies allow, each with when it last authenticated to it (absent: not in the
 * tracking period), and for the services AWS tracks per action, the actions.
 */
export interface PrincipalServiceAccess {
  /** The user or role the job was generated for. */
  arn: string;
  /** JobCompletionDate: the data is as of then. */
  jobCompletedAt: string;
  services: ServiceLastAccessed[];
}

export interface ServiceLastAccessed {
  ServiceName: string;
  /** The IAM prefix (`s3`, `iam`). */
  ServiceNamespace: string;
  /** ISO instant; absent when the principal has not used the service in the tracking period. */
  LastAuthenticated?: string;
  LastAuthenticatedEntity?: string;
  LastAuthenticatedRegion?: string;
  TotalAuthenticatedEntities?: number;
  TrackedActionsLastAccessed?: TrackedActionLastAccessed[];
}

export interface TrackedActionLastAccessed {
  ActionName: string;
  LastAccessedEntity?: string;
  /** ISO instant; absent when not used in the tracking period. */
  LastAccessedTime?: string;
  LastAccessedRegion?: string;
}

const name = z.string().min(1);
const instant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 time" });

export const principalServiceAccessSchema: z.ZodType<PrincipalServiceAccess> = z.object({
  arn: name,
  jobCompletedAt: instant,
  services: z.array(
    z.looseObject({
      ServiceName: name,
      ServiceNamespace: name,
      LastAuthenticated: instant.optional(),
      LastAuthenticatedEntity: z.string().optional(),
      LastAuthenticatedRegion: z.string().optional(),
      TotalAuthenticatedEntities: z.number().int().min(0).optional(),
      TrackedActionsLastAccessed: z
        .array(
          z.looseObject({
            ActionName: name,
            LastAccessedEntity: z.string().optional(),
            LastAccessedTime: instant.optional(),
            LastAccessedRegion: z.string().optional(),
          }),
        )
        .optional(),
    }),
  ),
});
