import { createValidatedPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { anonymousPrincipal, runUnsafeSimulation } from "./iamSimulator";
import { INVOKE_ACTION } from "../../components/policies/invokePolicy";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** A policy as IAM stores it: a name for messages and its JSON text. */
export interface NamedPolicy {
    readonly name: string;
    readonly document: string;
}

/** Everything IAM looks at to decide one `execute-api:Invoke`, in plain data (it crosses to a worker). */
export interface InvokeQuestion {
    /** The caller's ARN and identity policies, or undefined for an unauthenticated caller. */
    readonly principal:
        | {
              readonly arn: string;
              readonly policies: readonly NamedPolicy[];
              /** A session's session policies: each must allow too (they only ever take away). */
              readonly sessionPolicies?: readonly NamedPolicy[];
          }
        | undefined;
    /** The account that owns the API. */
    readonly resourceAccountId: string;
    /** Every spelling of the method ARN the request stands for (see `ResourcePath.arnTails`). */
    readonly resourceArns: readonly string[];
    /** The API's resource policy as JSON text, with `execute-api:/` resources already expanded. */
    readonly resourcePolicy: string | undefined;
    /** Global condition keys and their values (`aws:SourceIp`, `aws:PrincipalArn`, …). */
    readonly context: readonly (readonly [string, string | readonly string[]])[];
    /** Keys of the context AWS may or may not send: asked with and without them, the stricter answer holds. */
    readonly uncertainKeys?: readonly string[];
}

/** IAM's answer and, for a refusal, which policy statement refused or that none allowed. */
export interface InvokeAnswer {
    readonly decision: Decision;
    /** One sentence for the gateway's log; never includes credentials. */
    readonly reason: string;
}

/**
 * Decides an `execute-api:Invoke` with `@cloud-copilot/iam-simulate`, as IAM does: an explicit Deny in
 * any policy wins, otherwise an Allow must match (from the caller's identity policies or the resource
 * policy for a caller of the API's account; from both for another account's caller; from the resource
 * policy alone for an unauthenticated one). Every spelling of the method ARN is asked, and the request
 * is allowed only when each is allowed and none is denied. Synchronous and pure; errors are thrown.
 */
export function evaluateInvoke(question: InvokeQuestion): InvokeAnswer {
    return stricterOfReadings(question, evaluateOneReading);
}

/**
 * Asks once per reading of the context (with the uncertain keys, and without them when there are any)
 * and keeps the stricter answer: an explicit Deny, else an implicit one, else the Allow.
 */
export function stricterOfReadings<Q extends Pick<InvokeQuestion, "context" | "uncertainKeys">>(
    question: Q,
    evaluate: (question: Q) => InvokeAnswer,
): InvokeAnswer {
    const uncertain = new Set(question.uncertainKeys ?? []);
    const answers = [evaluate(question)];
    if (uncertain.size > 0) {
        const without = evaluate({ ...question, context: question.context.filter(([key]) => !uncertain.has(key)) });
        answers.push({
            ...without,
            reason: `${without.reason} (asked without ${[...uncertain].join(", ")}, which AWS may not send)`,
        });
    }
    return (
        answers.find((a) => a.decision === "ExplicitlyDenied") ??
        answers.find((a) => a.decision === "ImplicitlyDenied") ??
        answers[0]
    );
}

function evaluateOneReading(question: InvokeQuestion): InvokeAnswer {
    const identity = (question.principal?.policies ?? []).map((p) => ({ name: p.name, policy: shimmed(p.document) }));
    const resourcePolicy = question.resourcePolicy === undefined ? undefined : shimmed(question.resourcePolicy);
    // Wrapped with a name: the simulator's unsafe entry point loads a bare resource policy without one and fails.
    const named = resourcePolicy === undefined ? undefined : namedResourcePolicy(resourcePolicy);
    const decisions = question.resourceArns.map((arn) => simulate(question, arn, identity, named));
    const deniedAt = decisions.indexOf("ExplicitlyDenied");
    if (deniedAt >= 0) {
        return {
            decision: "ExplicitlyDenied",
            reason: explainDeny(question, question.resourceArns[deniedAt], identity, resourcePolicy),
        };
    }
    const notAllowedAt = decisions.findIndex((d) => d !== "Allowed");
    if (notAllowedAt < 0) return limitedBySessionPolicies(question);
    const considered = [
        ...identity.map((p) => `identity policy ${p.name}`),
        ...(resourcePolicy === undefined ? [] : ["the resource policy"]),
    ];
    const alsoAs =
        question.resourceArns.length > 1 ? " (the request's path has several spellings; each must be allowed)" : "";
    return {
        decision: "ImplicitlyDenied",
        reason: `no statement allows execute-api:Invoke on ${question.resourceArns[notAllowedAt]}${alsoAs}; considered: ${considered.length > 0 ? considered.join(", ") : "no policy at all"}`,
    };
}

/**
 * An allowed request, as its session policies leave it: a session may do only what each of them allows
 * too, and a Deny in one refuses (IAM User Guide, "Session policies": the permissions are the
 * intersection). Each is asked alone as the session's only identity policy, for every spelling.
 */
function limitedBySessionPolicies(question: InvokeQuestion): InvokeAnswer {
    for (const session of question.principal?.sessionPolicies ?? []) {
        const alone = [{ name: session.name, policy: shimmed(session.document) }];
        for (const arn of question.resourceArns) {
            const decision = simulate(question, arn, alone, undefined);
            if (decision !== "Allowed")
                return {
                    decision,
                    reason: `the session policy ${session.name} does not allow execute-api:Invoke on ${arn}`,
                };
        }
    }
    return { decision: "Allowed", reason: "allowed" };
}

type LoadedPolicy = { name: string; policy: unknown };

function simulate(
    question: InvokeQuestion,
    resourceArn: string,
    identityPolicies: readonly LoadedPolicy[],
    resourcePolicy: unknown,
): Decision {
    const context: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [key, value] of question.context) context[key] = typeof value === "string" ? value : [...value];
    const result = runUnsafeSimulation(
        {
            request: {
                principal: question.principal?.arn ?? anonymousPrincipal,
                action: INVOKE_ACTION,
                resource: { resource: shimArn(resourceArn), accountId: question.resourceAccountId },
                contextVariables: context,
            },
            identityPolicies: [...identityPolicies],
            resourcePolicy,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result !== "Allowed" && result !== "ImplicitlyDenied" && result !== "ExplicitlyDenied") {
        throw new Error(
            `The IAM simulator answered ${JSON.stringify(result)} for ${resourceArn}, which is no decision.`,
        );
    }
    return result;
}

/** Names the statement that denies: each policy alone, then each of its statements alone. */
function explainDeny(
    question: InvokeQuestion,
    resourceArn: string,
    identity: readonly LoadedPolicy[],
    resourcePolicy: unknown,
): string {
    const candidates: { label: string; policy: unknown; asResourcePolicy: boolean }[] = [
        ...identity.map((p) => ({ label: `identity policy ${p.name}`, policy: p.policy, asResourcePolicy: false })),
        ...(resourcePolicy === undefined
            ? []
            : [{ label: "the resource policy", policy: resourcePolicy, asResourcePolicy: true }]),
    ];
    for (const candidate of candidates) {
        const statements = statementsOf(candidate.policy);
        for (let i = 0; i < statements.length; i++) {
            const alone = { ...(candidate.policy as object), Statement: [statements[i]] };
            const decision = simulate(
                question,
                resourceArn,
                candidate.asResourcePolicy ? [] : [{ name: "alone", policy: alone }],
                candidate.asResourcePolicy ? namedResourcePolicy(alone) : undefined,
            );
            if (decision === "ExplicitlyDenied") {
                const sid = (statements[i] as { Sid?: unknown }).Sid;
                const which = typeof sid === "string" ? `"${sid}" (statement ${i})` : `statement ${i}`;
                return `${which} of ${candidate.label} denies execute-api:Invoke on ${resourceArn}`;
            }
        }
    }
    return `an explicit Deny matches execute-api:Invoke on ${resourceArn}`;
}

function namedResourcePolicy(policy: unknown): unknown {
    const validated = createValidatedPolicy(policy, validateResourcePolicy, { name: "resource policy" });
    if (validated.errors.length > 0)
        throw new Error(`The deployed resource policy is invalid: ${JSON.stringify(validated.errors)}`);
    return validated;
}

function statementsOf(policy: unknown): unknown[] {
    const statement = (policy as { Statement?: unknown }).Statement;
    return Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
}

/**
 * A neutral first resource segment for execute-api ARNs. The simulator treats an ARN's first
 * resource segment as a resource-type prefix that wildcards may not match (true for IAM's `user/…`),
 * but an execute-api ARN starts with the API id, which policies do match with `*` (`…:*\/prod/GET/*`):
 * unshimmed, a Deny on `*\/prod/*` would be skipped. Every execute-api ARN, in requests and policies,
 * gets the same literal prefix, so the API id is matched like the rest of the path.
 */
const NEUTRAL_PREFIX = "api/";

function shimArn(arn: string): string {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn" || !mayBeExecuteApi(parts[2])) return arn;
    return [...parts.slice(0, 5), NEUTRAL_PREFIX + parts.slice(5).join(":")].join(":");
}

/** Whether a policy's service segment (possibly with `*` or `?`) can match `execute-api`. */
function mayBeExecuteApi(service: string): boolean {
    const pattern = service
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${pattern}$`, "i").test("execute-api");
}

const shimCache = new Map<string, unknown>();
const MAX_SHIMMED = 1000;

/** A policy's JSON text parsed, with every execute-api ARN in `Resource`/`NotResource` shimmed. */
function shimmed(document: string): unknown {
    let policy = shimCache.get(document);
    if (policy === undefined) {
        const parsed = JSON.parse(document) as { Statement?: unknown };
        const statements = statementsOf(parsed).map((statement) => {
            if (typeof statement !== "object" || statement === null) return statement;
            const copy = { ...(statement as Record<string, unknown>) };
            for (const key of ["Resource", "NotResource"]) {
                const value = copy[key];
                if (typeof value === "string") copy[key] = shimArn(value);
                else if (Array.isArray(value))
                    copy[key] = (value as unknown[]).map((v) => (typeof v === "string" ? shimArn(v) : v));
            }
            return copy;
        });
        policy = { ...parsed, Statement: Array.isArray(parsed.Statement) ? statements : statements[0] };
        if (shimCache.size >= MAX_SHIMMED) shimCache.clear();
        shimCache.set(document, policy);
    }
    return policy;
}
