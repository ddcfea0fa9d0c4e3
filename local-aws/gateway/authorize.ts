import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { INVOKE_ACTION } from "../../components/policy";
import { AttachedPolicy } from "../engine/account";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** What the request carries that policies can test. */
export interface RequestContext {
    readonly sourceIp: string;
}

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<VERB>/<path>` for the concrete request
 * (the path as called, not its template, without its leading slash: `…/test/GET/pets/42`).
 */
export function invokeResourceArn(
    region: string,
    accountId: string,
    apiId: string,
    stage: string,
    verb: string,
    resourcePath: string,
): string {
    return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${verb}/${resourcePath.replace(/^\//, "")}`;
}

/** Who is calling: an IAM user with its policies, or nobody (a method without authorization). */
export type Caller = { readonly principalArn: string; readonly policies: readonly AttachedPolicy[] } | "anonymous";

/**
 * Evaluates `execute-api:Invoke` on the request's resource with `@cloud-copilot/iam-simulate`, as IAM
 * does for a caller of the same account: the caller's identity policies (its own and its groups') and
 * the API's resource policy; an explicit Deny anywhere wins, else an Allow from either must match. An
 * anonymous caller (API Gateway still evaluates the resource policy for methods without authorization)
 * has no identity policies, so only an explicit Allow in the resource policy lets it through.
 */
export async function authorizeInvoke(
    caller: Caller,
    accountId: string,
    resourceArn: string,
    resourcePolicy: unknown,
    context: RequestContext,
): Promise<Decision> {
    if (resourceArn.endsWith("/")) {
        const [standIn, standInArn, standInPolicy] = rootStandIn(caller, resourceArn, resourcePolicy);
        return authorizeInvoke(standIn, accountId, standInArn, standInPolicy, context);
    }
    const signed = caller !== "anonymous";
    const result = await runSimulation(
        {
            request: {
                principal: signed ? caller.principalArn : anonymousPrincipal,
                action: INVOKE_ACTION,
                resource: { resource: resourceArn, accountId },
                contextVariables: {
                    "aws:SourceIp": context.sourceIp,
                    ...(signed ? { "aws:PrincipalAccount": accountId } : {}),
                },
            },
            identityPolicies: signed
                ? caller.policies.map((p, i) => ({ name: `${i}:${p.name}`, policy: JSON.parse(p.document) as unknown }))
                : [],
            resourcePolicy,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType === "error") {
        // A policy the simulator cannot read grants nothing; AWS would have refused to store it.
        return "ImplicitlyDenied";
    }
    const overall = result.overallResult;
    return overall === "Allowed" || overall === "ExplicitlyDenied" ? overall : "ImplicitlyDenied";
}

/**
 * The root resource (`…/GET/`, an empty path) has no resource type in iam-simulate, which then errors.
 * Evaluated instead: the ARN and every Resource/NotResource pattern with one marker character appended.
 * As the marker occurs nowhere else, a pattern matches the stand-in exactly when it matches the root ARN.
 */
function rootStandIn(caller: Caller, resourceArn: string, resourcePolicy: unknown): [Caller, string, unknown] {
    const mark = (policy: unknown): unknown => {
        if (typeof policy !== "object" || policy === null) return policy;
        const { Statement: statements } = policy as { Statement?: unknown };
        const marked = (Array.isArray(statements) ? statements : [statements]).map((statement): unknown => {
            if (typeof statement !== "object" || statement === null) return statement;
            const copy = { ...(statement as Record<string, unknown>) };
            for (const key of ["Resource", "NotResource"]) {
                const value = copy[key];
                if (typeof value === "string") copy[key] = value + ROOT_MARKER;
                else if (Array.isArray(value))
                    copy[key] = (value as unknown[]).map((v) => (typeof v === "string" ? v + ROOT_MARKER : v));
            }
            return copy;
        });
        return { ...policy, Statement: Array.isArray(statements) ? marked : marked[0] };
    };
    const markedCaller: Caller =
        caller === "anonymous"
            ? caller
            : {
                  ...caller,
                  policies: caller.policies.map((p) => ({
                      ...p,
                      document: JSON.stringify(mark(JSON.parse(p.document))),
                  })),
              };
    return [markedCaller, resourceArn + ROOT_MARKER, mark(resourcePolicy)];
}

/** A character no request path or policy of ours contains (request paths are percent-encoded ASCII). */
const ROOT_MARKER = "\u01c2";
