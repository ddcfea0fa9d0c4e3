import { isJsonObject, JsonObject, OpenApiDocument } from "./operations";
import { checkBodySize, detectVersion, OpenApiSpecInput, parseSpec, SpecVersion } from "./parse";
import { secureDocument, SecuredOperation } from "./secure";
import { validateDocument } from "./validate";
import { policyStatementsForBody, ResourcePolicyStatement } from "../resourcePolicy";

/** The extension that carries the API's resource policy inside the body. */
export const POLICY_EXTENSION = "x-amazon-apigateway-policy";

/** The outcome of taking in a user's spec: the document API Gateway will import, secured. */
export interface PreparedSpec {
    /** Which format the input was written in. */
    readonly version: SpecVersion;
    /** The secured document (a private copy; the input is never modified). */
    readonly document: OpenApiDocument;
    /** The secured document as the compact JSON sent as the REST API's `body`: same input, same bytes. */
    readonly body: string;
    /** Every operation with the authorization it ends up with. */
    readonly operations: readonly SecuredOperation[];
}

export interface PrepareOptions {
    /** Operations left without IAM, as `"VERB /path"`. */
    readonly publicOperations?: readonly string[];
    /** Statements added to the document's resource policy (`x-amazon-apigateway-policy`). */
    readonly resourcePolicy?: readonly ResourcePolicyStatement[];
}

/**
 * Parses, validates and secures an OpenAPI 3.0 / Swagger 2.0 document (object or JSON/YAML text), and
 * adds the resource policy statements to its `x-amazon-apigateway-policy`. Pure and synchronous, so it
 * can run before any resource is registered; throws `InvalidSecuredRestApiInput` listing every problem.
 */
export function prepareSpec(spec: OpenApiSpecInput, options: PrepareOptions = {}): PreparedSpec {
    const document = parseSpec(spec);
    const version = detectVersion(document);
    validateDocument(document, version);
    const operations = secureDocument(document, version, options.publicOperations ?? []);
    if (options.resourcePolicy && options.resourcePolicy.length > 0)
        addPolicyStatements(document, policyStatementsForBody(options.resourcePolicy));
    const body = JSON.stringify(document);
    checkBodySize(body);
    return { version, document, body, operations };
}

/**
 * Kept inside the body, the policy is part of every import: a body update can never wipe it, as it can
 * wipe a policy managed as a separate resource. Statements already in the document are kept first.
 */
function addPolicyStatements(document: OpenApiDocument, statements: readonly ResourcePolicyStatement[]): void {
    const existing = document[POLICY_EXTENSION];
    const policy: JsonObject = isJsonObject(existing) ? existing : { Version: "2012-10-17" };
    const current =
        policy.Statement === undefined ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    document[POLICY_EXTENSION] = { ...policy, Statement: [...(current as unknown[]), ...statements] };
}
