import type { AccountSnapshotRead, DeactivateOldAccessKeysOptions } from "@vigil/aws-iam";
import type { Finding, OrganizationInventory, RemediationAction } from "@vigil/core";
import type {
  ClaimResult,
  CompleteOptions,
  DeliveryChannel,
  Lease,
  ListUndeliveredOptions,
  PostureRunSync,
  PostureSyncResult,
  PutFindingsOptions,
  PutFindingsResult,
  ReleaseOptions,
  RemediationRecord,
} from "@vigil/store-dynamodb";

/**
 * What the use cases need of the world, each as small as its callers need: the Lambdas give them
 * the DynamoDB store and AWS clients, the CLI its embedded store, files or the caller's account,
 * tests whichever real part they run. The store's data types are shared; its classes are not.
 */

/** Stores new findings, once each (the store's FindingWriter). */
export interface FindingRepository {
  putFindings(findings: readonly Finding[], options?: PutFindingsOptions): Promise<PutFindingsResult>;
}

/** Each finding's notification leases (the store's DeliveryOutbox). */
export interface NotificationOutbox {
  claimDelivery(findingId: string, channel: DeliveryChannel, lease: Lease): Promise<ClaimResult>;
  completeDelivery(findingId: string, channel: DeliveryChannel, options: CompleteOptions): Promise<void>;
  releaseDelivery(findingId: string, channel: DeliveryChannel, options: ReleaseOptions): Promise<boolean>;
  listUndelivered(options?: ListUndeliveredOptions): Promise<Finding[]>;
}

/** Brings stored posture findings in line with a run (the store's PostureLifecycle). */
export interface PostureFindings {
  syncPostureRun(run: PostureRunSync): Promise<PostureSyncResult>;
  recordRemediation(findingId: string, record: RemediationRecord): Promise<boolean>;
}

/** The account's state, what reading it cost and what could not be read (its checks are skipped). */
export type AccountRead = AccountSnapshotRead;

/** Reads an account's state for the posture checks: IAM and CloudTrail live, or files the AWS CLI wrote. */
export interface AccountReader {
  read(): Promise<AccountRead>;
}

/** Deactivates old access keys (the opt-in remediation), with IAM bound. */
export interface KeyRemediator {
  deactivateOldAccessKeys(options: Omit<DeactivateOldAccessKeysOptions, "iam" | "sleep">): Promise<RemediationAction[]>;
}

/** Reads the organization's accounts and OUs from Organizations (a few calls per OU, never per event). */
export interface OrganizationSource {
  read(): Promise<OrganizationInventory>;
}

/** Keeps the last inventory read, so events are placed without calling Organizations (the state table's OrganizationInventoryStore). */
export interface InventoryCache {
  load(): Promise<OrganizationInventory | undefined>;
  /** False when the cache already holds a newer inventory and keeps it. */
  save(inventory: OrganizationInventory): Promise<boolean>;
}
