import { InvalidSecuredRestApiInput } from "../errors";
import { operationKey, parseOperationKey } from "../openapi/operations";
import { SecuredOperation } from "../openapi/secure";
import { OperationRoutes } from "./operationReach";
import { INVOKE_ACTION, PolicyDocument, PolicyStatement, scopedInvokePolicy } from "./invokePolicy";

/** IAM's limit for one customer managed policy, in characters not counting whitespace. */
export const MAX_POLICY_CHARS = 6144;
/** IAM's default limit of managed policies attached to one group (the same for a role or a user). */
export const MAX_POLICIES_PER_GROUP = 10;

/**
 * The longest a stage's execution ARN prefix can be before the stage name (partition `aws-us-gov`, the
 * longest region names, a 12-digit account, a 10-character API id). Policies are split with it at
 * preview, when the real ARN is not known yet, so the real (shorter) ones always fit.
 */
const WORST_CASE_STAGE_ARN_PREFIX = "arn:aws-us-gov:execute-api:ap-southeast-7:123456789012:abcdefghij/";

/**
 * `GET /pets/{petId}` as the tail of an `execute-api:Invoke` resource written without the document:
 * `GET/pets/*`, `ANY` as `*`. IAM's `*` also spans `/` (and a verb's segment), so such a pattern can open
 * more than its operation: statements that must open exactly some operations are written with
 * {@link operationGrants} instead; this form is for statements that can only ever apply to requests of
 * the operations they are written for (see `allowPublicOperations`).
 */
export function operationPattern(verb: string, path: string): string {
    const segments = path === "/" ? [] : path.slice(1).split("/");
    return `${verb === "ANY" ? "*" : verb}/${segments.map((s) => (/^\{.+\}$/.test(s) ? "*" : s)).join("/")}`;
}

/** IAM's ARN matching: `*` any run of characters (including `/`), `?` one character. */
export function iamMatches(pattern: string, value: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "s",
    );
    return regex.test(value);
}

/** What an operation-scoped grant allows and refuses, as resource tails after the stage (`GET/pets/*`). */
export interface OperationGrants {
    /** Resource tails allowed: exactly the requests of the granted operations. */
    readonly allow: readonly string[];
    /** Resource tails denied: the other operations an allowed tail would also reach. */
    readonly deny: readonly string[];
}

/** The document's operations as the reach engine routes them, built once per document. */
const routesCache = new WeakMap<readonly SecuredOperation[], OperationRoutes>();
export function routesOf(operations: readonly SecuredOperation[]): OperationRoutes {
    let routes = routesCache.get(operations);
    if (!routes) routesCache.set(operations, (routes = new OperationRoutes(operations)));
    return routes;
}

/**
 * The one way any statement is written from operations (identity policies, the resource-policy half of
 * cross-account grants): `invokeOperations` entries resolved to resource tails that allow exactly their
 * requests (`ANY` as each method its path does not define, so no tail spans a verb), and a Deny for each
 * other IAM operation an allowed tail would still reach, since IAM's `*` spans `/` (`GET/pets/*` for
 * `GET /pets/{id}` also matches `GET /pets/1/owner`). Reach is decided with IAM's matching against the
 * document's routes ({@link OperationRoutes}). When a Deny would in turn refuse a granted operation, IAM
 * cannot tell the two apart, and it is an error naming both.
 */
export function operationGrants(
    operations: readonly SecuredOperation[],
    invokeOperations: readonly string[],
    argument = "invokeOperations",
): OperationGrants {
    const secured = operations.filter((o) => o.authorization === "AWS_IAM");
    const securedKeys = new Set(secured.map((o) => operationKey(o.verb, o.path)));
    const problems: string[] = [];
    const granted = new Set<string>();
    for (const entry of invokeOperations) {
        const key = parseOperationKey(entry);
        if (key === undefined || !securedKeys.has(key)) {
            problems.push(
                `${argument} entry ${JSON.stringify(entry)} is not an IAM-secured operation of the document ("VERB /path", e.g. "GET /pets/{petId}").`,
            );
        } else {
            granted.add(key);
        }
    }
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);
    const routes = routesOf(operations);
    const allow = [...new Set([...granted].flatMap((key) => routes.tailsOf(key)))];
    const others = [...securedKeys].filter((key) => !granted.has(key));
    if (others.length === 0) return { allow, deny: [] };
    const reached = new Set(allow.flatMap((tail) => [...routes.reachedBy(tail, { form: "stageTail" })]));
    const deny: string[] = [];
    for (const other of others.filter((key) => reached.has(key))) {
        const tails = routes.tailsOf(other);
        const hurt = tails
            .flatMap((tail) => [...routes.reachedBy(tail, { form: "stageTail" })])
            .find((key) => granted.has(key));
        if (hurt !== undefined)
            problems.push(
                `${other} cannot be kept out while granting ${hurt}: IAM's "*" spans "/", so no resource pattern separates them. Grant both or neither.`,
            );
        deny.push(...tails.filter((t) => !deny.includes(t)));
    }
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);
    return { allow, deny };
}

function placeholderPrefix(stageName: string): string {
    return `${WORST_CASE_STAGE_ARN_PREFIX}${stageName}/`;
}

/**
 * The invoke policy documents of one grant, with the placeholder stage ARN (see `bindStageArn`): the
 * stage-wide scoped policy, or with `granted` operations the operation-scoped documents sized for IAM.
 * `argument` names the argument in errors, e.g. `grants[0].operations`.
 */
export function invokeScopeDocuments(
    operations: readonly SecuredOperation[],
    granted: readonly string[] | undefined,
    stageName: string,
    argument: string,
): PolicyDocument[] {
    if (granted === undefined) return [scopedInvokePolicy(placeholderPrefix(stageName).slice(0, -1))];
    return operationPolicyDocuments(operationGrants(operations, granted, argument), stageName, argument);
}

/** A document from `operationPolicyDocuments` with the stage's real execution ARN in its resources. */
export function bindStageArn(document: PolicyDocument, stageName: string, stageExecutionArn: string): PolicyDocument {
    return JSON.parse(
        JSON.stringify(document).split(placeholderPrefix(stageName)).join(`${stageExecutionArn}/`),
    ) as PolicyDocument;
}

/** Characters IAM counts for a policy document (whitespace excluded). */
export function policyChars(document: PolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

/**
 * Packs the grants into as few managed policy documents as IAM's 6,144-character limit allows, each
 * one compact: a single Allow statement listing its resources (statements share one Action), and the
 * Denies in the first document. Sized with the longest possible stage ARN (the real one is known only
 * after deployment; `bindStageArn` puts it in), so the number of policies is fixed at preview, and it
 * fails there, naming the numbers, when more than 10 documents would be needed.
 */
export function operationPolicyDocuments(
    grants: OperationGrants,
    stageName: string,
    argument = "invokeOperations",
): PolicyDocument[] {
    const prefix = placeholderPrefix(stageName);
    const statement = (sid: string, effect: "Allow" | "Deny", tails: readonly string[]): PolicyStatement => ({
        Sid: sid,
        Effect: effect,
        Action: INVOKE_ACTION,
        Resource: tails.map((t) => prefix + t),
    });
    const documents: PolicyDocument[] = [];
    let current: string[] = [];
    const build = (tails: string[], first: boolean): PolicyDocument => ({
        Version: "2012-10-17",
        Statement: [
            ...(first && grants.deny.length > 0 ? [statement("DenyOperationsNotGranted", "Deny", grants.deny)] : []),
            statement("InvokeGrantedOperations", "Allow", tails),
        ],
    });
    for (const tail of grants.allow) {
        const candidate = [...current, tail];
        if (current.length > 0 && policyChars(build(candidate, documents.length === 0)) > MAX_POLICY_CHARS) {
            documents.push(build(current, documents.length === 0));
            current = [tail];
        } else {
            current = candidate;
        }
    }
    documents.push(build(current, documents.length === 0));
    const oversize = documents.find((d) => policyChars(d) > MAX_POLICY_CHARS);
    if (documents.length > MAX_POLICIES_PER_GROUP || oversize) {
        const total = documents.reduce((sum, d) => sum + policyChars(d), 0);
        throw new InvalidSecuredRestApiInput([
            `${argument} grants ${grants.allow.length} resource patterns (${grants.deny.length} denied), which need ${documents.length} managed policies (${total} characters); IAM allows ${MAX_POLICIES_PER_GROUP} policies of ${MAX_POLICY_CHARS} characters per group, role or user. Grant fewer operations, or ${argument === "invokeOperations" ? 'use invokePolicy "scoped" (the whole stage) without invokeOperations' : `leave ${argument} out (the whole stage)`}.`,
        ]);
    }
    return documents;
}
