import { InvalidSecuredRestApiInput } from "./errors";
import { isJsonObject } from "./openapi/operations";
import { OpenApiSpecInput } from "./openapi/parse";
import { prepareSpec, PreparedSpec } from "./openapi/prepare";

/** Which IAM policy lets the component's group invoke the API. */
export type InvokePolicyKind = "scoped" | "managed";
export const INVOKE_POLICY_KINDS: readonly InvokePolicyKind[] = ["scoped", "managed"];

/** API Gateway's endpoint types for a REST API. */
export type EndpointType = "REGIONAL" | "EDGE" | "PRIVATE";
export const ENDPOINT_TYPES: readonly EndpointType[] = ["REGIONAL", "EDGE", "PRIVATE"];

/** API Gateway's rule for stage names (CreateStage): letters, digits, `-` and `_`, 1 to 128 of them. */
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** The arguments whose values shape the API; validated before anything is registered. */
export interface ShapingArgs {
    openApiSpec: OpenApiSpecInput;
    stageName?: string;
    invokePolicy?: InvokePolicyKind;
    publicOperations?: string[];
    endpointType?: EndpointType;
    disableExecuteApiEndpoint?: boolean;
    failOnWarnings?: boolean;
    restApiName?: string;
}

/** Every shaping argument with its default applied, and the secured spec. */
export interface Settings {
    readonly spec: PreparedSpec;
    readonly stageName: string;
    readonly invokePolicy: InvokePolicyKind;
    readonly publicOperations: readonly string[];
    readonly endpointType: EndpointType;
    readonly disableExecuteApiEndpoint: boolean;
    readonly failOnWarnings: boolean;
    readonly restApiName: string | undefined;
}

/**
 * Checks the arguments and prepares the spec. Pure and synchronous: the component calls it before
 * registering itself, so bad input fails `pulumi preview` with nothing created. Argument problems are
 * reported together; spec problems follow once the arguments are sound.
 */
export function resolveSettings(args: ShapingArgs | undefined): Settings {
    if (!isJsonObject(args)) {
        throw new InvalidSecuredRestApiInput(["args are required: pass at least { openApiSpec }."]);
    }
    const problems: string[] = [];
    const stageName = args.stageName ?? "test";
    const invokePolicy = args.invokePolicy ?? "scoped";
    const endpointType = args.endpointType ?? "REGIONAL";
    const publicOperations = args.publicOperations ?? [];

    if (args.openApiSpec === undefined || args.openApiSpec === null) {
        problems.push(
            "openApiSpec is required: pass an OpenAPI 3.0 or Swagger 2.0 document, as an object or as JSON/YAML text.",
        );
    }
    if (typeof stageName !== "string" || !STAGE_NAME.test(stageName)) {
        problems.push(
            `stageName ${JSON.stringify(stageName)} is not a valid API Gateway stage name: use 1 to 128 letters, digits, "-" or "_".`,
        );
    }
    if (!INVOKE_POLICY_KINDS.includes(invokePolicy)) {
        problems.push(
            `invokePolicy ${JSON.stringify(invokePolicy)} is not supported: use "scoped" (this API's stage only) or "managed" (AWS's AmazonAPIGatewayInvokeFullAccess).`,
        );
    }
    if (!ENDPOINT_TYPES.includes(endpointType)) {
        problems.push(
            `endpointType ${JSON.stringify(endpointType)} is not supported: use one of ${ENDPOINT_TYPES.join(", ")}.`,
        );
    }
    if (!Array.isArray(publicOperations)) {
        problems.push('publicOperations must be a list of operations such as ["OPTIONS /pets"].');
    }
    if (args.restApiName !== undefined && (typeof args.restApiName !== "string" || args.restApiName.trim() === "")) {
        problems.push("restApiName must be a non-empty string when given.");
    }
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);

    const spec = prepareSpec(args.openApiSpec, publicOperations);
    if (endpointType === "PRIVATE" && spec.document["x-amazon-apigateway-policy"] === undefined) {
        throw new InvalidSecuredRestApiInput([
            'endpointType "PRIVATE" needs a resource policy that allows your VPC endpoint; API Gateway refuses to deploy a private API without one. Add x-amazon-apigateway-policy to the document.',
        ]);
    }
    return {
        spec,
        stageName,
        invokePolicy,
        publicOperations,
        endpointType,
        disableExecuteApiEndpoint: args.disableExecuteApiEndpoint ?? false,
        failOnWarnings: args.failOnWarnings ?? true,
        restApiName: args.restApiName,
    };
}
