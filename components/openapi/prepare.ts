import { OpenApiDocument } from "./operations";
import { checkBodySize, detectVersion, OpenApiSpecInput, parseSpec, SpecVersion } from "./parse";
import { secureDocument, SecuredOperation } from "./secure";
import { validateDocument } from "./validate";

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

/**
 * Parses, validates and secures an OpenAPI 3.0 / Swagger 2.0 document (object or JSON/YAML text).
 * Pure and synchronous, so it can run before any resource is registered; throws
 * `InvalidSecuredRestApiInput` listing every problem found.
 */
export function prepareSpec(spec: OpenApiSpecInput, publicOperations: readonly string[] = []): PreparedSpec {
    const document = parseSpec(spec);
    const version = detectVersion(document);
    validateDocument(document, version);
    const operations = secureDocument(document, version, publicOperations);
    const body = JSON.stringify(document);
    checkBodySize(body);
    return { version, document, body, operations };
}
