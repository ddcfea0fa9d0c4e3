import * as fs from "fs";
import type { DeployedOperation } from "../components";

export type { DeployedOperation };

/** A request that reaches one operation: verb, path below the stage, body. */
export interface SampleRequest {
    readonly method: string;
    readonly path: string;
    /** A small JSON body for verbs that carry one. */
    readonly body?: string;
    /** The same request's path with a different value where the template allows one, else one segment more. */
    readonly alteredPath: string;
}

/** Harmless values for templated segments: `{id}` and a greedy `{proxy+}` sub-path. */
const PARAMETER_VALUE = "1";
const ALTERED_VALUE = "2";
const GREEDY_VALUE = "smoke/1";
const ALTERED_GREEDY_VALUE = "smoke/2";
/** The verb an `ANY` method is called with: the first its path does not also define on its own. */
const ANY_VERB_CHOICES = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const VERBS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * The request the smoke test sends to an operation: path parameters filled with harmless values,
 * `ANY` called with a verb its path does not define otherwise, a small JSON body for POST/PUT/PATCH.
 */
export function sampleRequest(operation: DeployedOperation, all: readonly DeployedOperation[]): SampleRequest {
    const fill = (value: string, greedy: string) =>
        operation.path.replace(/\{[^}]+\+\}/g, greedy).replace(/\{[^}]+\}/g, value);
    const path = fill(PARAMETER_VALUE, GREEDY_VALUE);
    const templated = /\{[^}]+\}/.test(operation.path);
    const alteredPath = templated
        ? fill(ALTERED_VALUE, ALTERED_GREEDY_VALUE)
        : `${operation.path.replace(/\/$/, "")}/smoke`;
    const taken = new Set(all.filter((o) => o.path === operation.path).map((o) => o.verb));
    const method = operation.verb === "ANY" ? (ANY_VERB_CHOICES.find((v) => !taken.has(v)) ?? "GET") : operation.verb;
    return { method, path, alteredPath, body: VERBS_WITH_BODY.has(method) ? '{"smoke":true}' : undefined };
}

/**
 * The operations the stack outputs carry (`operations`, exported from the component), checked for
 * shape; undefined when the outputs have none.
 */
export function operationsFromOutputs(outputs: Record<string, unknown>): DeployedOperation[] | undefined {
    const listed = outputs.operations;
    if (listed === undefined) return undefined;
    const valid =
        Array.isArray(listed) &&
        listed.every(
            (o: Partial<Record<keyof DeployedOperation, unknown>>) =>
                typeof o === "object" &&
                o !== null &&
                typeof o.verb === "string" &&
                typeof o.path === "string" &&
                o.path.startsWith("/") &&
                (o.authorization === "AWS_IAM" || o.authorization === "NONE"),
        );
    if (!valid)
        throw new Error(
            "The stack output operations is not a list of { verb, path, authorization } (export api.operations from the program).",
        );
    return listed as DeployedOperation[];
}

/**
 * The operations of an OpenAPI document as given to the component (the same parsing and securing; its
 * integrations may be the program's to wire), with `publicOperations` as the program passes them.
 */
export function operationsFromSpec(file: string, publicOperations: readonly string[] = []): DeployedOperation[] {
    if (!fs.existsSync(file)) throw new Error(`The spec ${file} does not exist.`);
    // Loaded only for --spec: the document validator takes a second to load, which other runs need not wait for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prepare = require("../components/openapi/prepare") as typeof import("../components/openapi/prepare");
    return prepare
        .operationsOfSpec(fs.readFileSync(file, "utf8"), publicOperations)
        .map(({ verb, path, authorization }) => ({ verb, path, authorization }));
}
