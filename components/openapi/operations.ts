/** An OpenAPI or Swagger document after parsing: a plain JSON-compatible object. */
export type OpenApiDocument = Record<string, unknown>;

/** A JSON object inside an OpenAPI document (path item, operation, scheme…). */
export type JsonObject = Record<string, unknown>;

/** The OpenAPI key API Gateway reads as its `ANY` method. */
export const ANY_METHOD_KEY = "x-amazon-apigateway-any-method";

/**
 * The operation keys of a path item that API Gateway turns into methods, with the verb each becomes.
 * `trace` is valid OpenAPI 3.0 but API Gateway has no TRACE method, so it is refused separately.
 */
export const OPERATION_VERBS: ReadonlyMap<string, string> = new Map([
    ["get", "GET"],
    ["put", "PUT"],
    ["post", "POST"],
    ["delete", "DELETE"],
    ["options", "OPTIONS"],
    ["head", "HEAD"],
    ["patch", "PATCH"],
    [ANY_METHOD_KEY, "ANY"],
]);

/** One operation of the document: `GET /pets` and where it sits. */
export interface Operation {
    /** API Gateway's verb: `GET`, `POST`, … or `ANY`. */
    readonly verb: string;
    /** The path template as written in the document, e.g. `/pets/{petId}`. */
    readonly path: string;
    /** The key under the path item, e.g. `get` or `x-amazon-apigateway-any-method`. */
    readonly methodKey: string;
    /** The operation object itself (the live object inside the document it came from). */
    readonly operation: JsonObject;
}

/** `"GET /pets"`: how operations are named in errors and in `publicOperations`. */
export function operationKey(verb: string, path: string): string {
    return `${verb} ${path}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every operation of the document, in document order. */
export function listOperations(document: OpenApiDocument): Operation[] {
    const operations: Operation[] = [];
    const paths = isJsonObject(document.paths) ? document.paths : {};
    for (const [path, pathItem] of Object.entries(paths)) {
        if (!isJsonObject(pathItem)) continue;
        for (const [methodKey, operation] of Object.entries(pathItem)) {
            const verb = OPERATION_VERBS.get(methodKey);
            if (verb !== undefined && isJsonObject(operation)) {
                operations.push({ verb, path, methodKey, operation });
            }
        }
    }
    return operations;
}

/**
 * Parses a `publicOperations` entry such as `"options /pets"` into its canonical form
 * `"OPTIONS /pets"`, or returns undefined when it is not of the form `VERB /path`.
 */
export function parseOperationKey(entry: string): string | undefined {
    const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(entry);
    if (!match) return undefined;
    const verb = match[1].toUpperCase();
    const known = [...OPERATION_VERBS.values()];
    return known.includes(verb) ? operationKey(verb, match[2]) : undefined;
}

/** Operation keys for a message: the first dozen, and how many there are in all. */
export function describeOperations(keys: Iterable<string>): string {
    const list = [...keys];
    const shown = list.slice(0, 12).join(", ");
    return list.length > 12 ? `${shown}, … (${list.length} in all)` : shown;
}
