import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./cli.ts";

/**
 * OCSF's schema in its source form sits beside the repository (the checkout and every worktree are
 * siblings of /work/shared), never copied into it: tests that need it skip, saying why, without it.
 */
export const OCSF_SCHEMA_DIR = join(REPO, "..", "shared", "data", "ocsf-schema");
export const OCSF_SCHEMA_MISSING = existsSync(join(OCSF_SCHEMA_DIR, "dictionary.json"))
  ? undefined
  : `the OCSF schema is not at ${OCSF_SCHEMA_DIR} (expected beside the repository, in shared/data/ocsf-schema)`;

/** An attribute as a class or object has it once its extends chain, includes and the dictionary are merged. */
interface Attribute {
  name: string;
  requirement?: "required" | "recommended" | "optional";
  /** A scalar type (string_t, uuid_t, ...) or an object's name. */
  type: string;
  is_array?: boolean;
  enum?: Record<string, { caption?: string }>;
  /** The caption attribute beside an `_id` enum (severity beside severity_id). */
  sibling?: string;
  /** Set when the attribute comes from a profile: it belongs to the record only when the profile is applied. */
  profile?: string | null;
}

interface Compiled {
  name: string;
  attributes: Map<string, Attribute>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
  /** `object`, the generic object, which takes any attributes (unmapped). */
  open: boolean;
}

type Json = Record<string, unknown>;
type Definition = { name: string; extends?: string; uid?: number; caption?: string; category?: string; attributes: Json; constraints?: Compiled["constraints"] };

const BASE_TYPES = new Set(["string_t", "integer_t", "long_t", "float_t", "boolean_t", "json_t"]);

/**
 * A validator compiled from the OCSF source files: a class is its `extends` chain merged child over
 * parent, with each `$include`d file's attributes (a profile's marked as the profile's), every
 * attribute completed from dictionary.json (type, is_array, enum, sibling), objects compiled the same
 * way. `validate` checks a record against a class: required attributes (a profile's only when
 * metadata.profiles applies it), no attribute the class does not know, each value's base type,
 * enums and their sibling captions, arrays, nested objects, and at_least_one / just_one constraints.
 */
export class OcsfSchema {
  readonly #dir: string;
  readonly #dictionary: Record<string, Json>;
  readonly #types: Record<string, Json>;
  readonly #events = new Map<string, Definition>();
  readonly #objects = new Map<string, Definition>();
  readonly #categories: Record<string, { uid: number; caption: string }>;
  readonly #compiled = new Map<string, Compiled>();
  readonly #classes = new Map<number, string>();

  constructor(dir: string) {
    this.#dir = dir;
    const dictionary = readJson(join(dir, "dictionary.json"));
    this.#dictionary = dictionary.attributes as Record<string, Json>;
    this.#types = (dictionary.types as Json).attributes as Record<string, Json>;
    this.#categories = readJson(join(dir, "categories.json")).attributes as Record<string, { uid: number; caption: string }>;
    for (const file of walk(join(dir, "events"))) {
      const definition = readJson(file) as unknown as Definition;
      this.#events.set(definition.name, definition);
    }
    for (const file of walk(join(dir, "objects"))) {
      const definition = readJson(file) as unknown as Definition;
      this.#objects.set(definition.name, definition);
    }
    for (const name of this.#events.keys()) {
      const uid = this.#classUid(name);
      if (uid !== undefined) this.#classes.set(uid, name);
    }
  }

  /** The class of a class_uid (2004: detection_finding), or undefined. */
  className(classUid: number): string | undefined {
    return this.#classes.get(classUid);
  }

  /** Problems with `record` as an event of the class with `classUid`, each with its path; empty when valid. */
  validate(record: unknown, classUid: number): string[] {
    const name = this.#classes.get(classUid);
    if (!name) return [`class_uid ${classUid}: no such class`];
    if (!isObject(record)) return ["$: not an object"];
    const metadata = record.metadata;
    const profiles = isObject(metadata) && Array.isArray(metadata.profiles) ? new Set(metadata.profiles.map(String)) : new Set<string>();
    const problems: string[] = [];
    this.#check(record, this.#compile(name, "event"), "$", profiles, problems);
    return problems;
  }

  #check(value: Json, compiled: Compiled, path: string, profiles: ReadonlySet<string>, problems: string[]): void {
    if (compiled.open) return;
    const applies = (attribute: Attribute) => !attribute.profile || profiles.has(attribute.profile);
    for (const attribute of compiled.attributes.values()) {
      if (attribute.requirement === "required" && applies(attribute) && value[attribute.name] === undefined) problems.push(`${path}.${attribute.name}: required`);
    }
    for (const [key, item] of Object.entries(value)) {
      const attribute = compiled.attributes.get(key);
      if (!attribute) {
        problems.push(`${path}.${key}: not an attribute of ${compiled.name}`);
        continue;
      }
      if (!applies(attribute)) problems.push(`${path}.${key}: belongs to the ${attribute.profile} profile, which metadata.profiles does not apply`);
      this.#checkValue(item, attribute, `${path}.${key}`, value, profiles, problems);
    }
    const { at_least_one: atLeastOne, just_one: justOne } = compiled.constraints ?? {};
    if (atLeastOne && !atLeastOne.some((key) => value[key] !== undefined)) problems.push(`${path}: needs at least one of ${atLeastOne.join(", ")}`);
    if (justOne && justOne.filter((key) => value[key] !== undefined).length !== 1) problems.push(`${path}: needs exactly one of ${justOne.join(", ")}`);
  }

  #checkValue(value: unknown, attribute: Attribute, path: string, parent: Json, profiles: ReadonlySet<string>, problems: string[]): void {
    if (attribute.is_array) {
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected an array`);
        return;
      }
      value.forEach((item, index) => this.#checkOne(item, attribute, `${path}[${index}]`, parent, profiles, problems));
      return;
    }
    this.#checkOne(value, attribute, path, parent, profiles, problems);
  }

  #checkOne(value: unknown, attribute: Attribute, path: string, parent: Json, profiles: ReadonlySet<string>, problems: string[]): void {
    const base = this.#baseType(attribute.type);
    if (base === undefined) {
      if (!isObject(value)) {
        problems.push(`${path}: expected a ${attribute.type} object`);
        return;
      }
      this.#check(value, this.#compile(attribute.type, "object"), path, profiles, problems);
      return;
    }
    if (!hasBaseType(value, base)) {
      problems.push(`${path}: expected ${attribute.type} (${base}), got ${JSON.stringify(value)}`);
      return;
    }
    if (attribute.enum) {
      const entry = attribute.enum[String(value)];
      if (!entry) {
        problems.push(`${path}: ${JSON.stringify(value)} is not one of ${Object.keys(attribute.enum).join(", ")}`);
        return;
      }
      // The caption beside an id says the same thing, except for Other (99), where it carries the source's own word.
      const sibling = attribute.sibling && parent[attribute.sibling];
      if (attribute.sibling && sibling !== undefined && String(value) !== "99" && sibling !== entry.caption) {
        problems.push(`${path.slice(0, path.lastIndexOf("."))}.${attribute.sibling}: expected "${entry.caption}" beside ${JSON.stringify(value)}, got ${JSON.stringify(sibling)}`);
      }
    }
  }

  /** The base type of a scalar type (uuid_t is a string_t), or undefined for an object's name. */
  #baseType(type: string): string | undefined {
    if (BASE_TYPES.has(type)) return type;
    const derived = this.#types[type];
    if (!derived) return undefined;
    const parent = derived.type;
    return typeof parent === "string" ? this.#baseType(parent) : type;
  }

  #compile(name: string, kind: "event" | "object"): Compiled {
    const key = `${kind}:${name}`;
    const cached = this.#compiled.get(key);
    if (cached) return cached;
    const definition = (kind === "event" ? this.#events : this.#objects).get(name);
    if (!definition) throw new Error(`OCSF ${kind} ${name} is not defined`);
    const specs = this.#mergedAttributes(definition, kind);
    const attributes = new Map<string, Attribute>();
    for (const [attributeName, spec] of Object.entries(specs)) {
      const dictionary = this.#dictionary[attributeName];
      if (!dictionary) throw new Error(`OCSF ${kind} ${name}: attribute ${attributeName} is not in the dictionary`);
      attributes.set(attributeName, { ...(merge(dictionary, spec) as unknown as Attribute), name: attributeName });
    }
    if (kind === "event") this.#fixClassification(definition, attributes);
    const compiled: Compiled = { name, attributes, open: kind === "object" && name === "object", ...(this.#constraints(definition, kind) ?? {}) };
    this.#compiled.set(key, compiled);
    return compiled;
  }

  /** A definition's attributes over its parent's, its `$include`s merged in first (a profile's marked with the profile). */
  #mergedAttributes(definition: Definition, kind: "event" | "object"): Record<string, Json> {
    const parentName = definition.extends;
    const parent = parentName ? this.#mergedAttributes(this.#definition(parentName, kind), kind) : {};
    const own: Record<string, Json> = {};
    const { $include: includes, ...attributes } = definition.attributes as Json & { $include?: string[] };
    for (const include of includes ?? []) {
      const file = readJson(join(this.#dir, include));
      const profile = file.meta === "profile" ? String(file.name) : undefined;
      for (const [attributeName, spec] of Object.entries(file.attributes as Record<string, Json>)) {
        own[attributeName] = merge(own[attributeName] ?? {}, profile ? { ...spec, profile } : spec);
      }
    }
    for (const [attributeName, spec] of Object.entries(attributes as Record<string, Json>)) own[attributeName] = merge(own[attributeName] ?? {}, spec);
    const merged: Record<string, Json> = { ...parent };
    for (const [attributeName, spec] of Object.entries(own)) merged[attributeName] = merge(merged[attributeName] ?? {}, spec);
    return merged;
  }

  #constraints(definition: Definition, kind: "event" | "object"): { constraints: NonNullable<Compiled["constraints"]> } | undefined {
    if (definition.constraints) return { constraints: definition.constraints };
    return definition.extends ? this.#constraints(this.#definition(definition.extends, kind), kind) : undefined;
  }

  #definition(name: string, kind: "event" | "object"): Definition {
    const definition = (kind === "event" ? this.#events : this.#objects).get(name);
    if (!definition) throw new Error(`OCSF ${kind} ${name} is not defined`);
    return definition;
  }

  /**
   * What OCSF's compiler derives rather than writes: class_uid is category uid * 1000 + the class's
   * uid, category_uid the category's, type_uid class_uid * 100 + each activity_id.
   */
  #fixClassification(definition: Definition, attributes: Map<string, Attribute>): void {
    const classUid = this.#classUid(definition.name);
    const category = this.#categoryOf(definition);
    if (classUid === undefined || !category) return;
    const set = (name: string, entries: Record<string, { caption?: string }>) => {
      const attribute = attributes.get(name);
      if (attribute) attributes.set(name, { ...attribute, enum: entries });
    };
    set("class_uid", { [classUid]: { caption: definition.caption ?? definition.name } });
    set("category_uid", { [category.uid]: { caption: category.caption } });
    const activities = attributes.get("activity_id")?.enum ?? {};
    set(
      "type_uid",
      Object.fromEntries(Object.entries(activities).map(([id, entry]) => [String(classUid * 100 + Number(id)), { caption: `${definition.caption}: ${entry.caption}` }])),
    );
  }

  #classUid(name: string): number | undefined {
    const definition = this.#events.get(name);
    const category = definition && this.#categoryOf(definition);
    if (!definition || definition.uid === undefined || !category) return undefined;
    return category.uid * 1000 + definition.uid;
  }

  /** A class's category, its own or the nearest ancestor's (detection_finding has it through finding). */
  #categoryOf(definition: Definition): { uid: number; caption: string } | undefined {
    if (definition.category) return this.#categories[definition.category];
    return definition.extends ? this.#categoryOf(this.#definition(definition.extends, "event")) : undefined;
  }
}

/** A deep merge, `over` winning; null in `over` clears (a class's `"profile": null` takes an attribute out of its profile). */
function merge(under: Json, over: Json): Json {
  const merged: Json = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key];
    merged[key] = isObject(value) && isObject(below) ? merge(below, value) : value;
  }
  return merged;
}

function hasBaseType(value: unknown, base: string): boolean {
  switch (base) {
    case "string_t":
      return typeof value === "string";
    case "integer_t":
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
    case "long_t":
      return Number.isSafeInteger(value);
    case "float_t":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean_t":
      return typeof value === "boolean";
    case "json_t":
      return value !== undefined;
    default:
      return false;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith(".json") ? [join(dir, entry.name)] : [],
  );
}
