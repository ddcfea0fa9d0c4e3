import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InvalidSecuredRestApiInput } from "../errors";
import { AwsValues } from "../openapi/awsVariables";
import { fillBackends, functionArnProblem, parseFunctionArn } from "../openapi/backends";
import { operationPattern } from "../policies/operationPolicy";
import { Settings } from "../args/settings";

/** The principal API Gateway invokes Lambda functions as. */
export const API_GATEWAY_PRINCIPAL = "apigateway.amazonaws.com";

/**
 * The body API Gateway imports: the secured body with the values only `pulumi up` knows filled in
 * (`specValues` placeholders, the URIs of the Lambda functions of `lambdaIntegrations`, the stack's values
 * of the AWS variables). Everything about the document was checked before anything was registered; what
 * is filled here are values only.
 */
export function resolvedBody(
    name: string,
    settings: Settings,
    securedBody: pulumi.Input<string>,
    apiRegion: pulumi.Input<string>,
    awsValues: pulumi.Output<AwsValues> | undefined,
): pulumi.Output<string> {
    const entryOf = new Map([...settings.spec.lambdaOperations].map(([entry, key]) => [key, entry]));
    return pulumi
        .all([
            securedBody,
            pulumi.all(settings.specValues),
            pulumi.all(Object.fromEntries(settings.lambdaIntegrations)),
            apiRegion,
            awsValues,
        ])
        .apply(([body, specValues, arns, region, values]) => {
            const problems = Object.entries(arns).flatMap(
                ([key, arn]) => functionArnProblem(entryOf.get(key)!, arn) ?? [],
            );
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
 * One `aws.lambda.Permission` per operation a Lambda function serves, letting API Gateway invoke it for
 * that operation of this API only: `sourceArn` `<executionArn>/*\/<VERB>/<path>`, any stage, path
 * parameters as `*`, `ANY` as `*`, the root as `/` (`…/*\/GET/`), as CDK's `LambdaIntegration` scopes it.
 * A function serving several operations gets one permission for each, made in the function's own
 * region (Lambda's AddPermission reaches only the functions of its region).
 */
export function lambdaPermissions(
    name: string,
    settings: Settings,
    restApi: aws.apigateway.RestApi,
    parent: pulumi.Resource,
): aws.lambda.Permission[] {
    const keys = [...settings.lambdaIntegrations.keys()];
    const names = permissionNames(name, keys);
    return keys.map((key, i) => {
        const [verb, path] = key.split(" ");
        const functionArn = pulumi.output(settings.lambdaIntegrations.get(key)!);
        return new aws.lambda.Permission(
            names[i],
            {
                region: functionArn.apply((arn) => parseFunctionArn(arn)?.region),
                action: "lambda:InvokeFunction",
                function: functionArn,
                principal: API_GATEWAY_PRINCIPAL,
                sourceArn: pulumi.interpolate`${restApi.executionArn}/*/${operationPattern(verb, path)}`,
            },
            { parent },
        );
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
