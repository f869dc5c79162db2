import type { Reference } from "../findings/Reference.ts";

/** ATT&CK Enterprise tactics, in the matrix's order (https://attack.mitre.org/tactics/enterprise/). */
export const TACTICS = {
  initialAccess: { uid: "TA0001", name: "Initial Access" },
  execution: { uid: "TA0002", name: "Execution" },
  persistence: { uid: "TA0003", name: "Persistence" },
  privilegeEscalation: { uid: "TA0004", name: "Privilege Escalation" },
  defenseEvasion: { uid: "TA0005", name: "Defense Evasion" },
  credentialAccess: { uid: "TA0006", name: "Credential Access" },
  discovery: { uid: "TA0007", name: "Discovery" },
  lateralMovement: { uid: "TA0008", name: "Lateral Movement" },
  collection: { uid: "TA0009", name: "Collection" },
  exfiltration: { uid: "TA0010", name: "Exfiltration" },
  commandAndControl: { uid: "TA0011", name: "Command and Control" },
  impact: { uid: "TA0040", name: "Impact" },
} as const;
export type Tactic = (typeof TACTICS)[keyof typeof TACTICS];

const ORDER: readonly Tactic[] = Object.values(TACTICS);
const { initialAccess, persistence, privilegeEscalation, defenseEvasion, credentialAccess, discovery, lateralMovement } = TACTICS;

/**
 * The tactics ATT&CK lists on each technique the catalogue references (its page's "Tactics" line,
 * https://attack.mitre.org/techniques/<id>/); a sub-technique has its parent's. A technique missing
 * here has no known tactic, and the formats leave the tactic out rather than guess.
 */
const TECHNIQUE_TACTICS: Readonly<Record<string, readonly Tactic[]>> = {
  T1069: [discovery],
  T1078: [defenseEvasion, persistence, privilegeEscalation, initialAccess],
  T1087: [discovery],
  T1098: [persistence, privilegeEscalation],
  T1110: [credentialAccess],
  T1136: [persistence],
  T1484: [defenseEvasion, privilegeEscalation],
  T1548: [privilegeEscalation, defenseEvasion],
  T1550: [defenseEvasion, lateralMovement],
  T1552: [credentialAccess],
  T1556: [credentialAccess, defenseEvasion, persistence],
  T1562: [defenseEvasion],
  T1580: [discovery],
  T1666: [defenseEvasion],
};

/** The tactics of one ATT&CK reference, in the matrix's order; none for a CIS control or an unknown technique. */
export function tacticsOf(reference: Reference): Tactic[] {
  if (reference.framework !== "MITRE ATT&CK") return [];
  const known = TECHNIQUE_TACTICS[reference.id.split(".")[0] ?? ""] ?? [];
  return ORDER.filter((tactic) => known.includes(tactic));
}

/** Every tactic of the references, each once, in the matrix's order. */
export function tacticsOfAll(references: readonly Reference[]): Tactic[] {
  const all = new Set(references.flatMap(tacticsOf));
  return ORDER.filter((tactic) => all.has(tactic));
}
