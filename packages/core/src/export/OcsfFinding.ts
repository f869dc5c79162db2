/**
 * The part of OCSF 1.6 Vigil writes: a Detection Finding (class 2004) for an event finding, a
 * Compliance Finding (class 2003) for a posture finding, both in the Findings category (2).
 * Attribute names are OCSF's (https://schema.ocsf.io/1.6.0/classes/detection_finding).
 */
export interface OcsfFinding {
  activity_id: 1 | 2 | 3;
  activity_name: string;
  category_uid: 2;
  category_name: "Findings";
  class_uid: 2003 | 2004;
  class_name: "Compliance Finding" | "Detection Finding";
  type_uid: number;
  type_name: string;
  time: number;
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  message: string;
  is_alert?: boolean;
  finding_info: OcsfFindingInfo;
  resources: OcsfResource[];
  cloud: { provider: "AWS"; account: { uid: string; type_id: 10; type: "AWS Account"; name?: string }; region: string; cloud_partition: string };
  evidences: OcsfEvidence[];
  remediation: { desc: string; references?: string[] };
  compliance?: { standards: string[]; requirements?: string[]; control?: string; status_id: 1 | 3; status: "Pass" | "Fail" };
  metadata: {
    product: { name: "Vigil"; vendor_name: "Vigil"; version: string };
    version: string;
    uid: string;
    profiles: ["cloud"];
  };
}

export interface OcsfFindingInfo {
  uid: string;
  title: string;
  desc: string;
  types: string[];
  created_time: number;
  first_seen_time: number;
  last_seen_time: number;
  modified_time: number;
  src_url: string;
  analytic: { uid: string; name: string; type_id: 1; type: "Rule" };
  related_events?: { uid: string }[];
  attacks?: OcsfAttack[];
}

export interface OcsfAttack {
  technique: { uid: string; name: string; src_url?: string };
  sub_technique?: { uid: string; name: string; src_url?: string };
  tactic?: { uid: string; name: string };
  tactics?: { uid: string; name: string }[];
}

export interface OcsfResource {
  uid: string;
  type: string;
  region: string;
  cloud_partition: string;
  name?: string;
}

export interface OcsfEvidence {
  actor: { user: { uid: string; name?: string } };
  api?: { operation: string; service?: { name: string } };
  src_endpoint?: { ip: string };
}
