import { ACCOUNT_ID } from "./arns";
import { operationKey, parseOperationKey } from "../openapi/operations";
import { SecuredOperation } from "../openapi/secure";
import { iamMatches, operationPattern, routesOf } from "./operationPolicy";
import { StageName } from "./operationReach";
import { INVOKE_ACTION } from "./invokePolicy";
import { principalArn } from "../callers/trust";

/** Whether a statement allows or denies. */
export const PolicyEffect = { Allow: "Allow", Deny: "Deny" } as const;
export type PolicyEffect = (typeof PolicyEffect)[keyof typeof PolicyEffect];

/**
 * The principals a statement applies to: 12-digit account ids (written as the account's root ARN in
 * the stack's partition), IAM ARNs, or `"*"` for everyone.
 */
export interface PolicyPrincipal {
    AWS: string[];
}

/**
 * A statement of the API's resource policy, in IAM's JSON shape. `Resource` defaults to
 * `execute-api:/*`, which API Gateway rewrites to this API's ARN on import. (Lists rather than
 * "string or list", so Pulumi's schema can express it for every language.)
 */
export interface ResourcePolicyStatement {
    /** An identifier for the statement, named in local mode's explanations of a denial. @default none */
    Sid?: string;
    /** `"Allow"` or `"Deny"`; a Deny wins over every Allow. */
    Effect: PolicyEffect;
    /** Who the statement is about: `{ AWS: [account ids or role/user ARNs] }`, or `{ AWS: ["*"] }` for everyone. */
    Principal: PolicyPrincipal;
    /** Actions, e.g. `["execute-api:Invoke"]`. */
    Action: string[];
    /**
     * `execute-api:/<stage>/<VERB>/<path>` patterns (API Gateway writes this API's ARN in front on import).
     * @default ["execute-api:/*"] (this whole API)
     */
    Resource?: string[];
    /** IAM conditions: operator → condition key → values. @default none (the statement always applies) */
    Condition?: Record<string, Record<string, string[]>>;
}

const EVERYONE: PolicyPrincipal = { AWS: ["*"] };

/** Every method of every stage of this API, in the form API Gateway rewrites on import. */
export const THIS_API = "execute-api:/*";

function denyUnless(sid: string, operator: string, key: string, values: readonly string[]): ResourcePolicyStatement {
    if (values.length === 0) throw new Error(`${sid}: give at least one value for ${key}.`);
    return {
        Sid: sid,
        Effect: "Deny",
        Principal: EVERYONE,
        Action: [INVOKE_ACTION],
        Resource: [THIS_API],
        Condition: { [operator]: { [key]: [...values] } },
    };
}

/**
 * Refuses signed callers whose credentials belong to another AWS account, even if that account's
 * policies allow them (without any resource policy, API Gateway already refuses cross-account IAM
 * callers; this makes it explicit and survives a later Allow). Unsigned calls carry no account and
 * reach only `publicOperations` (IAM methods refuse them before any policy), so it leaves them alone:
 * a public CORS preflight keeps working next to it.
 * @example resourcePolicy: [denyOutsideAccounts(["123456789012"])]
 */
export const denyOutsideAccounts = (accountIds: readonly string[]): ResourcePolicyStatement =>
    signedCallsOnly(denyUnless("DenyOutsideAccounts", "StringNotEquals", "aws:PrincipalAccount", accountIds));

/** The statement, applying only when the request carries its signed-only condition keys. */
function signedCallsOnly(statement: ResourcePolicyStatement): ResourcePolicyStatement {
    const keys = conditionKeyNames(statement.Condition);
    return {
        ...statement,
        Condition: { ...statement.Condition, Null: Object.fromEntries(keys.map((k) => [k, ["false"]])) },
    };
}

/**
 * Refuses requests that do not come from these IP ranges (CIDR), signed or not.
 * @example resourcePolicy: [denyOutsideSourceIps(["203.0.113.0/24"])]
 */
export const denyOutsideSourceIps = (cidrs: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideSourceIps", "NotIpAddress", "aws:SourceIp", cidrs);

/**
 * Refuses requests that do not arrive through one of these VPCs (for a `PRIVATE` API).
 * @example resourcePolicy: [denyOutsideSourceVpcs(["vpc-0abc"])]
 */
export const denyOutsideSourceVpcs = (vpcIds: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideSourceVpcs", "StringNotEquals", "aws:SourceVpc", vpcIds);

/**
 * Refuses requests that do not arrive through one of these interface VPC endpoints (for a `PRIVATE` API).
 * @example resourcePolicy: [denyOutsideVpcEndpoints(["vpce-0abc"])]
 */
export const denyOutsideVpcEndpoints = (vpceIds: readonly string[]): ResourcePolicyStatement =>
    denyUnless("DenyOutsideVpcEndpoints", "StringNotEquals", "aws:SourceVpce", vpceIds);

/**
 * What a `PRIVATE` API needs to be callable at all: an Allow for the account (principals still need
 * their own IAM permission) through these VPC endpoints. The account is named by its id, which the
 * component writes as `arn:<partition>:iam::<account>:root` in the provider's partition.
 * @example resourcePolicy: allowAccountThroughVpcEndpoints("123456789012", ["vpce-0abc"])
 */
export function allowAccountThroughVpcEndpoints(
    accountId: string,
    vpceIds: readonly string[],
): ResourcePolicyStatement[] {
    if (!ACCOUNT_ID.test(accountId))
        throw new Error(`allowAccountThroughVpcEndpoints: ${JSON.stringify(accountId)} is not a 12-digit account id.`);
    return [
        {
            Sid: "AllowAccountPrincipals",
            Effect: "Allow",
            Principal: { AWS: [accountId] },
            Action: [INVOKE_ACTION],
            Resource: [THIS_API],
        },
        denyOutsideVpcEndpoints(vpceIds),
    ];
}

/**
 * The condition that limits a statement to unauthenticated requests: API Gateway sets
 * `aws:PrincipalAccount` only for callers it authenticated with IAM (developer guide, "AWS condition
 * keys that can be used in API Gateway resource policies": needs AuthN, IAM only).
 */
export const UNAUTHENTICATED_ONLY: Readonly<Record<string, Record<string, string[]>>> = Object.freeze({
    Null: { "aws:PrincipalAccount": ["true"] },
});

/**
 * Allows everyone to call the operations listed in `publicOperations`. With a resource policy in place,
 * API Gateway evaluates it for unauthenticated methods too and needs an explicit Allow for them. The
 * Allow holds for unauthenticated requests only ({@link UNAUTHENTICATED_ONLY}): IAM's `*` spans `/`, so
 * `…/GET/pets/*` (for `GET /pets/{id}`) also matches `GET /pets/1/owner`, and an Allow to everyone there
 * would let any principal of the account call that AWS_IAM method without a permission of its own.
 * Unauthenticated requests reach only the methods without authorization, which are the public ones:
 * limited to them, the pattern can open nothing else. (A Deny for the other methods would refuse their
 * authorised callers too.)
 * @example resourcePolicy: [allowPublicOperations(["OPTIONS /pets"]), denyOutsideSourceIps([...])]
 */
export function allowPublicOperations(operations: readonly string[]): ResourcePolicyStatement {
    const resources = operations.map((entry) => {
        const key = parseOperationKey(entry);
        if (key === undefined) throw new Error(`allowPublicOperations: ${JSON.stringify(entry)} is not "VERB /path".`);
        const [verb, path] = key.split(" ");
        return `${THIS_API.slice(0, -1)}*/${operationPattern(verb, path)}`;
    });
    return {
        Sid: "AllowPublicOperations",
        Effect: "Allow",
        Principal: EVERYONE,
        Action: [INVOKE_ACTION],
        Resource: resources,
        Condition: structuredClone(UNAUTHENTICATED_ONLY),
    };
}

/** Condition keys API Gateway only sets for private APIs (`aws:SourceVpc`, `aws:SourceVpce`). */
const PRIVATE_ONLY_KEYS = ["aws:sourcevpc", "aws:sourcevpce"];
/**
 * Condition keys in every signed request and in no unsigned one, so `Null: "true"` on one holds for
 * unsigned callers only (IAM global condition keys, each one's Availability: "included in the request
 * context for all signed requests"; anonymous requests do not include it).
 */
export const EVERY_SIGNED_REQUEST_KEYS = [
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principaltype",
    "aws:userid",
];
/**
 * Condition keys no unsigned call carries: those above, and some only signed callers of a kind carry
 * (`aws:username` for IAM users only, `aws:PrincipalOrgID` for principals in an organization).
 */
const SIGNED_ONLY_KEYS = [...EVERY_SIGNED_REQUEST_KEYS, "aws:principalorgid", "aws:username"];

interface LooseStatement {
    Sid?: unknown;
    Effect?: unknown;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: unknown;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Whether a principal element names anyone at all: `*`, or an AWS principal with a wildcard in it. */
const isEveryone = (principal: unknown): boolean =>
    principal === "*" ||
    (typeof principal === "object" &&
        principal !== null &&
        list((principal as { AWS?: unknown }).AWS).some((p) => typeof p !== "string" || /[*?]/.test(p)));

/** Whether a statement's actions include `execute-api:Invoke` (IAM matches actions in any case). */
export function coversInvoke(statement: { Action?: unknown; NotAction?: unknown }): boolean {
    const matches = (action: unknown) =>
        typeof action === "string" && iamMatches(action.toLowerCase(), INVOKE_ACTION.toLowerCase());
    if (statement.Action !== undefined) return list(statement.Action).some(matches);
    return statement.NotAction !== undefined && !list(statement.NotAction).some(matches);
}

/**
 * Whether a statement holds for unauthenticated requests only: it requires a key every signed request
 * carries to be absent (a key only some signed callers carry, `aws:username`, would let the others in).
 */
export function appliesOnlyUnauthenticated(condition: unknown): boolean {
    return conditionEntries(condition).some(
        (c) =>
            c.operator === "Null" &&
            EVERY_SIGNED_REQUEST_KEYS.includes(c.key) &&
            c.values.length > 0 &&
            c.values.every((v) => (typeof v === "string" || typeof v === "boolean") && String(v) === "true"),
    );
}
const conditionEntries = (condition: unknown): { operator: string; key: string; name: string; values: unknown[] }[] =>
    typeof condition === "object" && condition !== null
        ? Object.entries(condition as Record<string, unknown>).flatMap(([operator, keys]) =>
              typeof keys === "object" && keys !== null
                  ? Object.entries(keys as Record<string, unknown>).map(([key, values]) => ({
                        operator,
                        key: key.toLowerCase(),
                        name: key,
                        values: list(values),
                    }))
                  : [],
          )
        : [];
const conditionKeyNames = (condition: unknown): string[] =>
    typeof condition === "object" && condition !== null
        ? [...new Set(Object.values(condition as Record<string, unknown>).flatMap((keys) => Object.keys(keys ?? {})))]
        : [];

/**
 * Whether a condition cannot hold when its key is absent, as IAM evaluates it: a plain operator
 * (`StringEquals`…) or `ForAnyValue:` is false on a missing key, as is `Null: false`; negated operators
 * (`…Not…`), `…IfExists` and `ForAllValues:` are true on a missing key.
 */
function falseWithoutKey(operator: string, values: readonly unknown[]): boolean {
    if (operator.startsWith("ForAnyValue:")) return true;
    if (operator.startsWith("ForAllValues:")) return false;
    if (operator === "Null") return values.length > 0 && values.every((v) => String(v) === "false");
    return !operator.endsWith("IfExists") && !operator.includes("Not");
}

/** The signed-only keys of a Deny that also applies to unsigned calls, since it tests them in a way true without them. */
function deniesUnsignedOnSignedKeys(statement: LooseStatement): string[] {
    if (statement.Effect !== "Deny") return [];
    const entries = conditionEntries(statement.Condition);
    const signedKeys = [...new Set(entries.filter((c) => SIGNED_ONLY_KEYS.includes(c.key)).map((c) => c.name))];
    const guarded = entries.some((c) => SIGNED_ONLY_KEYS.includes(c.key) && falseWithoutKey(c.operator, c.values));
    return guarded ? [] : signedKeys;
}

/** The effect a misspelled Effect most likely meant. */
const closestEffect = (effect: unknown): string | undefined =>
    typeof effect === "string"
        ? ["Allow", "Deny"].find((e) => e.toLowerCase().startsWith(effect.toLowerCase().slice(0, 2)))
        : undefined;

/** How many operations a message names before it says how many more there are. */
const NAMED_IN_A_MESSAGE = 5;
const someOf = (keys: readonly string[]) =>
    keys.length <= NAMED_IN_A_MESSAGE
        ? keys.join(", ")
        : `${keys.slice(0, NAMED_IN_A_MESSAGE).join(", ")} and ${keys.length - NAMED_IN_A_MESSAGE} more`;

/**
 * Problems with the resource policy the body ends up with (the document's own statements, `resourcePolicy`
 * and what the component adds), each of which would weaken the API or lock callers out on AWS, each with
 * a fix that, followed as written, makes the problem go away without causing another. Every Allow is
 * judged by what it opens, with IAM's matching against the document's routes (`OperationRoutes`):
 * - an Allow to everyone (`"*"`) that reaches an AWS_IAM operation: with IAM authorization it lets any
 *   principal of the account call it without a permission of its own, and another account's principals
 *   whenever their own policies allow it; likewise one written with `NotResource`, or with no Resource;
 * - an Allow with `NotPrincipal`, which IAM does not support, or with no Principal;
 * - `aws:SourceVpc`/`aws:SourceVpce` conditions on a non-`PRIVATE` API, where the keys never exist;
 * - a `PRIVATE` API without any Allow (nothing could call it);
 * - public operations the policy would refuse: API Gateway evaluates it for them too, as an unsigned
 *   caller, and needs an explicit Allow; a Deny testing signed-only keys as true-when-absent refuses them.
 * An `endpointType` of undefined (not known) skips the checks that depend on it; a `stageName` of
 * `ANY_STAGE` judges each resource for whatever stage the API has.
 */
export function documentPolicyProblems(
    policy: unknown,
    endpointType: string | undefined,
    operations: readonly SecuredOperation[],
    stageName: StageName,
): string[] {
    if (policy === undefined) return [];
    const statements = list((policy as { Statement?: unknown }).Statement) as LooseStatement[];
    const publicOperations = operations.filter((o) => o.authorization === "NONE");
    const securedKeys = new Set(
        operations.filter((o) => o.authorization === "AWS_IAM").map((o) => operationKey(o.verb, o.path)),
    );
    const publicNames = publicOperations.map((o) => `${o.verb} ${o.path}`);
    const routes = routesOf(operations);
    const resource = { form: "resource", stageName } as const;
    const allowPublic = `allowPublicOperations(${JSON.stringify(publicNames)})`;
    const name = (statement: LooseStatement, i: number) =>
        `Resource policy statement ${i}${typeof statement.Sid === "string" ? ` (${statement.Sid})` : ""}`;
    const problems: string[] = [];
    statements.forEach((statement, i) => {
        const where = name(statement, i);
        if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
            const meant = closestEffect(statement.Effect);
            problems.push(
                `${where} has Effect ${JSON.stringify(statement.Effect)}; ${meant ? `did you mean "${meant}"?` : 'use "Deny" (or "Allow" for named principals).'}`,
            );
            return;
        }
        if (statement.Effect === "Allow") problems.push(...allowProblems(statement, where));
        if (
            endpointType !== undefined &&
            endpointType !== "PRIVATE" &&
            conditionEntries(statement.Condition).some((c) => PRIVATE_ONLY_KEYS.includes(c.key))
        ) {
            problems.push(
                `${where} tests aws:SourceVpc/aws:SourceVpce, which API Gateway sets only for PRIVATE APIs: on a ${endpointType} API the Deny would refuse every call. Use endpointType "PRIVATE" and add allowAccountThroughVpcEndpoints(<account>, [<vpce>]) to resourcePolicy, or replace it with denyOutsideSourceIps([<cidr>]).`,
            );
        }
    });

    /** What an Allow opens beyond what it names (see above); named principals' Allows are theirs to scope. */
    function allowProblems(statement: LooseStatement, where: string): string[] {
        if (statement.NotPrincipal !== undefined)
            return [
                `${where} is an Allow with NotPrincipal, which IAM does not support (IAM User Guide, "NotPrincipal": use it with Deny only); it would allow everyone but the listed principals. Name the principals with Principal instead.`,
            ];
        if (statement.Principal === undefined)
            return [
                `${where} has no Principal; a resource policy statement must name whom it allows (Principal: { AWS: ["<account id or role ARN>"] }).`,
            ];
        if (statement.Action === undefined && statement.NotAction === undefined)
            return [`${where} has no Action; give Action: ["${INVOKE_ACTION}"].`];
        if (
            !isEveryone(statement.Principal) ||
            !coversInvoke(statement) ||
            appliesOnlyUnauthenticated(statement.Condition)
        )
            return [];
        const limit = `Limit it to unauthenticated callers with "Condition": ${JSON.stringify(UNAUTHENTICATED_ONLY)} (as allowPublicOperations writes it), name the principals instead (Principal: { AWS: ["<account id>"] }, written as its root ARN in the stack's partition), or make it a Deny`;
        if (statement.NotResource !== undefined || statement.Resource === undefined)
            return [
                `${where} allows everyone ("*") every operation ${statement.NotResource !== undefined ? "its NotResource does not list" : "(it has no Resource)"}, the AWS_IAM ones included: with IAM authorization that lets any principal of the account call them without its own permission. ${limit}.`,
            ];
        const reached = new Set(
            list(statement.Resource).flatMap((r) =>
                typeof r === "string" ? [...routes.reachedBy(r, resource)] : [...securedKeys],
            ),
        );
        const opened = [...securedKeys].filter((key) => reached.has(key));
        if (opened.length === 0) return [];
        return [
            `${where} allows everyone ("*") to invoke ${someOf(opened)}, which require${opened.length === 1 ? "s" : ""} AWS_IAM (IAM's "*" spans "/", so a pattern for one operation can reach others): with IAM authorization that lets any principal of the account call them without its own permission, and another account's principals whenever their own policies allow it. ${limit}${publicNames.length > 0 ? `, or replace it with ${allowPublic}` : ""}.`,
        ];
    }

    if (endpointType === "PRIVATE" && !statements.some((s) => s.Effect === "Allow")) {
        problems.push(
            `endpointType "PRIVATE" needs a resource policy that allows your VPC endpoint; API Gateway refuses every call to a private API without one. Pass resourcePolicy: ${publicNames.length > 0 ? `[...allowAccountThroughVpcEndpoints(<account>, [<vpce>]), ${allowPublic}]` : "allowAccountThroughVpcEndpoints(<account>, [<vpce>])"}.`,
        );
    }
    if (statements.length === 0 || publicOperations.length === 0) return problems;

    // An unauthenticated caller matches only an Allow to everyone, and must be allowed every request of the operation.
    const publicAllows = statements.filter((s) => s.Effect === "Allow" && isEveryone(s.Principal));
    const unreachable = publicOperations.filter(
        (o) =>
            !publicAllows.some((s) =>
                list(s.Resource).some(
                    (r) => typeof r === "string" && routes.coveredBy(r, operationKey(o.verb, o.path), resource),
                ),
            ),
    );
    const blockers = statements.flatMap((s, i) => {
        const keys = deniesUnsignedOnSignedKeys(s);
        return keys.length > 0 ? [{ where: name(s, i).replace(/^Resource policy s/, "s"), keys }] : [];
    });
    if (unreachable.length === 0 && blockers.length === 0) return problems;
    const reasons = [
        ...(unreachable.length > 0
            ? [
                  `no statement allows ${unreachable.map((o) => `${o.verb} ${o.path}`).join(", ")} (unauthenticated methods need an explicit Allow)`,
              ]
            : []),
        ...blockers.map((b) => `${b.where} denies on ${b.keys.join(", ")}, which unsigned calls do not have`),
    ];
    const steps = [
        ...(unreachable.length > 0 ? [`add ${allowPublic} to resourcePolicy`] : []),
        ...blockers.map(
            (b) =>
                `add the condition Null: ${JSON.stringify(Object.fromEntries(b.keys.map((k) => [k, ["false"]])))} to ${b.where} so it applies to signed calls only (denyOutsideAccounts does this)`,
        ),
    ];
    problems.push(
        `With a resource policy, API Gateway evaluates it for the public operations too, as an unsigned caller, and would refuse ${publicNames.join(", ")}: ${reasons.join("; ")}. Fix: ${steps.join(", and ")}.`,
    );
    return problems;
}

/** The statements with `Resource` defaulted, as the body's `x-amazon-apigateway-policy` carries them. */
export function policyStatementsForBody(statements: readonly ResourcePolicyStatement[]): ResourcePolicyStatement[] {
    return statements.map((s) => ({ ...s, Resource: s.Resource ?? [THIS_API] }));
}

/**
 * The resource policy as the REST API's `policy` argument, in the form API Gateway stores it. AWS
 * converts the `execute-api:/…` shorthand to the full ARN when it saves a policy (developer guide,
 * "API Gateway resource policy examples") and keeps full ARNs as given; the provider compares the
 * argument with the stored policy for equivalence, so the shorthand would show a change on every
 * preview (hashicorp/terraform-provider-aws#41696). The API id does not exist before the API does; a
 * resource policy is only ever evaluated for its own API, so the id is written as a wildcard. IAM's `*`
 * spans `/`, though (`…:*\/test/GET/pets` also matches `POST /a/test/GET/pets`): an Allow takes ten
 * `?`, the form of every API id (inferred; a longer id makes it match nothing: a refusal, never an
 * opening), a Deny takes `*` (matching more can only refuse more).
 * @param executeApiPrefix `arn:<partition>:execute-api:<region>:<account>`
 */
export function storedResourcePolicy(policy: unknown, executeApiPrefix: string): string {
    const shorthand = "execute-api:";
    const document = (typeof policy === "object" && policy !== null ? policy : {}) as { Statement?: unknown };
    const statements = list(document.Statement).map((statement) => {
        if (typeof statement !== "object" || statement === null) return statement;
        const s = { ...(statement as Record<string, unknown>) };
        // IAM writes everyone as "*", and the provider's equivalence check tells it from { AWS: "*" } (awspolicyequivalence).
        if (isEveryoneOnly(s.Principal)) s.Principal = "*";
        const apiId = s.Effect === "Allow" ? ANY_API_ID : "*";
        const expand = (resource: unknown): unknown =>
            typeof resource === "string" && resource.startsWith(`${shorthand}/`)
                ? `${executeApiPrefix}:${apiId}${resource.slice(shorthand.length)}`
                : resource;
        const expandAll = (value: unknown): unknown => (Array.isArray(value) ? value.map(expand) : expand(value));
        if (s.Resource !== undefined) s.Resource = expandAll(s.Resource);
        if (s.NotResource !== undefined) s.NotResource = expandAll(s.NotResource);
        return s;
    });
    return JSON.stringify({ ...document, Statement: statements });
}

/** Whether a principal element is everyone and nothing else: `{ AWS: "*" }` or `{ AWS: ["*"] }`. */
function isEveryoneOnly(principal: unknown): boolean {
    if (typeof principal !== "object" || principal === null || Array.isArray(principal)) return false;
    const keys = Object.keys(principal);
    const aws = list((principal as { AWS?: unknown }).AWS);
    return keys.length === 1 && keys[0] === "AWS" && aws.length > 0 && aws.every((p) => p === "*");
}

/** Ten `?`: exactly one API id, never more of the ARN. */
const ANY_API_ID = "?".repeat(10);

/** API Gateway's quota on a resource policy's length, in characters (it can be raised per API). */
export const MAX_RESOURCE_POLICY_CHARS = 8192;
/** The longest the policy's ARNs can be written (GovCloud's partition, the longest region): sized at preview. */
const WORST_CASE_PARTITION = "aws-us-gov";
const WORST_CASE_EXECUTE_API_PREFIX = `arn:${WORST_CASE_PARTITION}:execute-api:ap-southeast-7:123456789012`;

/** Refuses, at preview, a resource policy longer than API Gateway stores (measured as it will be stored). */
export function resourcePolicySizeProblem(policy: unknown): string | undefined {
    const stored = JSON.stringify(
        policyInPartition(
            JSON.parse(storedResourcePolicy(policy, WORST_CASE_EXECUTE_API_PREFIX)),
            WORST_CASE_PARTITION,
            false,
        ),
    );
    if (stored.length <= MAX_RESOURCE_POLICY_CHARS) return undefined;
    return `The resource policy would be up to ${stored.length} characters as API Gateway stores it; its quota is ${MAX_RESOURCE_POLICY_CHARS} (API Gateway refuses a longer one unless the quota was raised). Grant fewer operations or principals (name an account id instead of each of its roles), or remove statements.`;
}

/**
 * The policy with each bare account id in `Principal.AWS` written as the account's root ARN in
 * `partition`, as IAM stores it; with `strict`, an ARN principal of another partition is refused.
 * Other statements and fields are kept as they are.
 */
export function policyInPartition(policy: unknown, partition: string, strict = true): unknown {
    if (typeof policy !== "object" || policy === null) return policy;
    const document = policy as { Statement?: unknown };
    const rewrite = (statement: unknown, i: number): unknown => {
        if (typeof statement !== "object" || statement === null) return statement;
        const principal = (statement as { Principal?: unknown }).Principal;
        if (typeof principal !== "object" || principal === null) return statement;
        const aws = (principal as { AWS?: unknown }).AWS;
        const names = list(aws);
        if (!names.some((p) => typeof p === "string" && (ACCOUNT_ID.test(p) || p.startsWith("arn:")))) return statement;
        const written = names.map((p) =>
            typeof p === "string" && (ACCOUNT_ID.test(p) || (strict && /^arn:[^:]*:iam::/.test(p)))
                ? principalArn(p, partition, `Resource policy statement ${i} principal`)
                : p,
        );
        return { ...statement, Principal: { ...principal, AWS: Array.isArray(aws) ? written : written[0] } };
    };
    const statement = document.Statement;
    return {
        ...document,
        Statement: Array.isArray(statement) ? statement.map(rewrite) : rewrite(statement, 0),
    };
}
