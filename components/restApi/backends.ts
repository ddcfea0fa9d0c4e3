import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { executeApiArnPrefix, LONGEST_ARN_PARTS } from "../policies/arns";
import { InvalidSecuredRestApiInput } from "../errors";
import { AwsValues } from "../openapi/awsVariables";
import { fillBackends, functionArnProblem, lambdaInvocationUri, parseFunctionArn } from "../openapi/backends";
import { operationPattern } from "../policies/operationPolicy";
import { Settings } from "../args/settings";

/** The principal API Gateway invokes Lambda functions as. */
export const API_GATEWAY_PRINCIPAL = "apigateway.amazonaws.com";

/**
 * Lambda's quota for a function's resource policy, in bytes ("Lambda quotas": 20 KB, not adjustable);
 * AddPermission past it fails with PolicyLengthExceededException "The final policy size (…) is bigger
 * than the limit (20480)."
 */
export const MAX_FUNCTION_POLICY_BYTES = 20_480;

const { partition, region, accountId, restApiId } = LONGEST_ARN_PARTS;
/** The longest function ARN `lambdaIntegrations` takes: FunctionName's 64 characters and Qualifier's 128 (Lambda API reference). */
const LONGEST_FUNCTION_ARN = `arn:${partition}:lambda:${region}:${accountId}:function:${"f".repeat(64)}:${"q".repeat(128)}`;
/** The longest execution ARN a REST API can have. */
const LONGEST_EXECUTION_ARN = `${executeApiArnPrefix(partition, region, accountId)}:${restApiId}`;
/** The id the provider gives a statement made without one: `terraform-` and 26 characters (terraform-plugin-sdk, helper/id PrefixedUniqueId). */
const GENERATED_STATEMENT_ID = `terraform-${"0".repeat(26)}`;
/** A function's policy without statements, as GetPolicy returns it. */
const EMPTY_POLICY_BYTES = Buffer.byteLength(JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [] }));

/**
 * How API Gateway is granted one function of `lambdaIntegrations`: a permission per operation while
 * those fit the function's 20 KB resource policy, else one for the whole stage of this API.
 */
export interface FunctionGrant {
    /** The function's ARN as given: the value its operations share. */
    readonly functionArn: pulumi.Input<string>;
    /** The operations it serves (`GET /items`), in the order of `lambdaIntegrations`. */
    readonly operations: readonly string[];
    /** `operation`: `<executionArn>/<stage>/<VERB>/<path>` each; `stage`: one `<executionArn>/<stage>/*\/*`. */
    readonly scope: "operation" | "stage";
}

/**
 * The operations of `lambdaIntegrations` by function, each function granted per operation or per
 * stage, decided at preview with the longest ARNs possible so the real policy never holds more. A
 * function is known by the value given: a string by its text, an Output by identity (its value is not
 * known at preview; the same `fn.arn` is passed for every operation). Two values for one function are
 * sized apart: {@link resolvedBody} refuses them at `pulumi up` when together they would not fit.
 */
export function functionGrants(settings: Settings): FunctionGrant[] {
    const byFunction = new Map<pulumi.Input<string>, string[]>();
    for (const [key, arn] of settings.lambdaIntegrations) byFunction.set(arn, [...(byFunction.get(arn) ?? []), key]);
    return [...byFunction].map(([functionArn, operations]) => {
        const sized = typeof functionArn === "string" ? functionArn : LONGEST_FUNCTION_ARN;
        const perOperation = { operations, scope: "operation" as const };
        return {
            functionArn,
            operations,
            scope:
                policyBytes(sized, [perOperation], settings.stageName) <= MAX_FUNCTION_POLICY_BYTES
                    ? "operation"
                    : "stage",
        };
    });
}

/** `<VERB>/<path>` after the stage for one operation, or `*\/*` for the whole stage. */
function sourceTail(key: string | undefined): string {
    if (key === undefined) return "*/*";
    const [verb, path] = key.split(" ");
    return operationPattern(verb, path);
}

/** One statement as Lambda stores an API Gateway permission (GetPolicy), in bytes, with its comma. */
function statementBytes(functionArn: string, sourceArn: string): number {
    const statement = {
        Sid: GENERATED_STATEMENT_ID,
        Effect: "Allow",
        Principal: { Service: API_GATEWAY_PRINCIPAL },
        Action: "lambda:InvokeFunction",
        Resource: functionArn,
        Condition: { ArnLike: { "AWS:SourceArn": sourceArn } },
    };
    return Buffer.byteLength(JSON.stringify(statement)) + 1;
}

/**
 * The most a function's policy holds for these grants, the API's ARN its longest: each statement twice,
 * since a change that replaces them all (a new stage name or API, or this version's stage-scoped
 * sourceArn) makes the new ones before Pulumi deletes the old, and room for a stage statement, made
 * before the per-operation ones go when the operations outgrow the policy.
 */
function policyBytes(
    functionArn: string,
    grants: readonly Pick<FunctionGrant, "operations" | "scope">[],
    stageName: string,
): number {
    const statement = (key: string | undefined) =>
        statementBytes(functionArn, `${LONGEST_EXECUTION_ARN}/${stageName}/${sourceTail(key)}`);
    const held = grants.flatMap((g) => (g.scope === "stage" ? [statement(undefined)] : g.operations.map(statement)));
    return EMPTY_POLICY_BYTES + 2 * held.reduce((sum, bytes) => sum + bytes, 0) + statement(undefined);
}

/**
 * The body API Gateway imports: the secured body with the values only `pulumi up` knows filled in
 * (`specValues` placeholders, the URIs of the Lambda functions of `lambdaIntegrations`, the stack's values
 * of the AWS variables). Everything about the document was checked before anything was registered; what
 * is filled here are values only, and the function ARNs are checked once known (a string at preview):
 * each a function ARN, of this stack's account, and no function given as two values too many to fit.
 * Every `aws.lambda.Permission` waits for the REST API, so a refused ARN leaves none made.
 */
export function resolvedBody(
    name: string,
    settings: Settings,
    grants: readonly FunctionGrant[],
    securedBody: pulumi.Input<string>,
    apiRegion: pulumi.Input<string>,
    awsValues: pulumi.Output<AwsValues> | undefined,
    stackAccountId: pulumi.Input<string> | undefined,
): pulumi.Output<string> {
    const entryOf = new Map([...settings.spec.lambdaOperations].map(([entry, key]) => [key, entry]));
    return pulumi
        .all([
            securedBody,
            pulumi.all(settings.specValues),
            pulumi.all(Object.fromEntries(settings.lambdaIntegrations)),
            apiRegion,
            awsValues,
            stackAccountId,
        ])
        .apply(([body, specValues, arns, region, values, account]) => {
            const problems = Object.entries(arns).flatMap(
                ([key, arn]) =>
                    functionArnProblem(entryOf.get(key)!, arn) ??
                    otherAccountProblem(entryOf.get(key)!, arn, account, region, settings.stageName) ??
                    [],
            );
            if (problems.length === 0) problems.push(...splitFunctionProblems(grants, arns, settings, entryOf));
            if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems, name);
            return fillBackends(body, {
                specValues,
                lambdaArns: new Map(Object.entries(arns)),
                apiRegion: region,
                awsValues: values,
            });
        });
}

/**
 * Why a function of another account cannot be wired, with the fix; undefined for this stack's own. The
 * permission is made with this stack's credentials, and Lambda's AddPermission does not reach another
 * account's function (awsdocs/aws-lambda-developer-guide#139), so its own account must grant API Gateway.
 */
function otherAccountProblem(
    entry: string,
    functionArn: string,
    stackAccountId: string | undefined,
    apiRegion: string,
    stageName: string,
): string | undefined {
    const parsed = parseFunctionArn(functionArn);
    const owner = parsed?.accountId;
    if (stackAccountId === undefined || parsed === undefined || owner === stackAccountId) return undefined;
    return (
        `lambdaIntegrations[${JSON.stringify(entry)}] is a function of account ${owner}, and this stack deploys to account ${stackAccountId}: ` +
        `the component grants API Gateway with an aws.lambda.Permission made with this stack's credentials, which cannot add to another account's function policy. ` +
        `Use a function of account ${stackAccountId}; or, to keep this one, remove the entry from lambdaIntegrations, write the operation's x-amazon-apigateway-integration yourself ` +
        `({ type: "aws_proxy", httpMethod: "POST", uri: "${lambdaInvocationUri(functionArn, apiRegion)}" }) ` +
        `and have account ${owner} grant API Gateway: aws lambda add-permission --region ${parsed.region} --function-name ${functionArn} --action lambda:InvokeFunction --principal ${API_GATEWAY_PRINCIPAL} --statement-id <id> --source-arn <this API's executionArn>/${stageName}/*/*.`
    );
}

/** One function given as several values whose permissions together would not fit its policy, once the ARNs are known. */
function splitFunctionProblems(
    grants: readonly FunctionGrant[],
    arns: Readonly<Record<string, string>>,
    settings: Settings,
    entryOf: ReadonlyMap<string, string>,
): string[] {
    const byArn = new Map<string, FunctionGrant[]>();
    for (const grant of grants) {
        const arn = arns[grant.operations[0]];
        byArn.set(arn, [...(byArn.get(arn) ?? []), grant]);
    }
    return [...byArn]
        .filter(
            ([arn, split]) =>
                split.length > 1 && policyBytes(arn, split, settings.stageName) > MAX_FUNCTION_POLICY_BYTES,
        )
        .map(([arn, split]) => {
            const entries = split.flatMap((g) => g.operations.map((key) => JSON.stringify(entryOf.get(key))));
            return (
                `lambdaIntegrations gives the function ${arn} as ${split.length} different values (${entries.join(", ")}), and their permissions together would not fit its ${MAX_FUNCTION_POLICY_BYTES}-byte resource policy: ` +
                `an Output's value is unknown at preview, so the component sizes each value given apart. Pass the same value for every operation of the function (one fn.arn, not an apply or interpolate of it per entry).`
            );
        });
}

/**
 * The `aws.lambda.Permission`s letting API Gateway invoke the functions of `lambdaIntegrations` from this
 * API's stage only, each made in the function's own region (Lambda's AddPermission reaches only the
 * functions of its region): per operation (`<executionArn>/<stage>/<VERB>/<path>`, path parameters as
 * `*`, the root as `/`, as CDK's `LambdaIntegration` scopes its methods), or one per function for
 * `<executionArn>/<stage>/*\/*` when those would not fit the function's policy (CDK's
 * `scopePermissionToMethod: false`, kept to the stage).
 */
export function lambdaPermissions(
    name: string,
    settings: Settings,
    grants: readonly FunctionGrant[],
    restApi: aws.apigateway.RestApi,
    parent: pulumi.Resource,
): aws.lambda.Permission[] {
    const keys = [...settings.lambdaIntegrations.keys()];
    const names = new Map(permissionNames(name, keys).map((n, i) => [keys[i], n]));
    return grants.flatMap(({ functionArn, operations, scope }) => {
        const arn = pulumi.output(functionArn);
        const permission = (resourceName: string, key: string | undefined) =>
            new aws.lambda.Permission(
                resourceName,
                {
                    region: arn.apply((a) => parseFunctionArn(a)?.region),
                    action: "lambda:InvokeFunction",
                    function: arn,
                    principal: API_GATEWAY_PRINCIPAL,
                    // An ANY operation keeps * for its verb (one Permission has one sourceArn); what any * matches
                    // stays after this API's stage, and only methods integrated with this function invoke it.
                    sourceArn: pulumi.interpolate`${restApi.executionArn}/${settings.stageName}/${sourceTail(key)}`,
                },
                { parent },
            );
        if (scope === "operation") return operations.map((key) => permission(names.get(key)!, key));
        // Named after its first operation in sorted order: stable while that one stays, whatever else is wired.
        const first = [...operations].sort()[0];
        return [permission(names.get(first)!.replace(`${name}-lambda-`, `${name}-lambda-stage-`), undefined)];
    });
}

/**
 * Resource names that say which operation each permission is for (`api-lambda-get-items-id`); when two
 * operations would read alike (`/a-b` and `/a/b`), both get a short hash of their key, so names stay unique
 * and stable whatever else the document holds.
 */
export function permissionNames(name: string, keys: readonly string[]): string[] {
    const readable = keys.map((key) => {
        const [verb, path] = key.split(" ");
        const words = path
            .split("/")
            .map((s) => s.replace(/[{}+]/g, "").replace(/[^A-Za-z0-9_-]/g, "_"))
            .filter((s) => s !== "");
        return `${name}-lambda-${verb.toLowerCase()}-${words.length === 0 ? "root" : words.join("-")}`;
    });
    return readable.map((candidate, i) =>
        readable.indexOf(candidate) === readable.lastIndexOf(candidate)
            ? candidate
            : `${candidate}-${shortHash(keys[i])}`,
    );
}

function shortHash(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
