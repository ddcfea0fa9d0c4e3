import { Finding, securityFinding } from "./findings";
import { isJsonObject, OpenApiDocument, OPERATION_VERBS } from "./operations";

/**
 * The document's integrity, as far as securing it depends on it: there are paths, each path item and
 * operation is a mapping the component can read, and every `$ref` is local and resolves. Nothing here
 * is JSON-Schema conformance: API Gateway's importer tolerates what the official schemas refuse (a
 * missing `info.version`, an operation without `responses`, …), and its own rules are in `importRules.ts`.
 */
export function validateDocument(document: OpenApiDocument): Finding[] {
    return [...structureFindings(document), ...referenceFindings(document)];
}

/** Whether the document has paths at all: without them there is nothing to secure or import. */
export function noPathsFinding(document: OpenApiDocument): Finding | undefined {
    const paths = document.paths;
    if (isJsonObject(paths) && Object.keys(paths).length > 0) return undefined;
    return securityFinding(
        "no-paths",
        "paths",
        'The document has no paths: API Gateway would create an API with no methods. Add at least one path under "paths".',
    );
}

function structureFindings(document: OpenApiDocument): Finding[] {
    const findings: Finding[] = [];
    const paths = isJsonObject(document.paths) ? document.paths : {};
    for (const [path, pathItem] of Object.entries(paths)) {
        const where = pointerToLocation(`/paths/${escapePointer(path)}`);
        if (!isJsonObject(pathItem)) {
            findings.push(
                securityFinding(
                    "not-a-path-item",
                    where,
                    `Path ${path} (${where}) is not a path item (a mapping of operations); the component cannot tell which methods API Gateway would create from it. Write it as a mapping.`,
                ),
            );
            continue;
        }
        if (typeof pathItem.$ref === "string") {
            findings.push(
                securityFinding(
                    "path-item-ref",
                    where,
                    `Path ${path} is a $ref to a path item; the component cannot secure operations it does not see inline. Inline the path item.`,
                ),
            );
        }
        if (pathItem.trace !== undefined) {
            findings.push(
                securityFinding(
                    "trace-method",
                    `${where}.trace`,
                    `Operation TRACE ${path}: API Gateway has no TRACE method. Remove it.`,
                ),
            );
        }
        for (const [key, operation] of Object.entries(pathItem)) {
            if (OPERATION_VERBS.has(key) && !isJsonObject(operation)) {
                const at = pointerToLocation(`/paths/${escapePointer(path)}/${escapePointer(key)}`);
                findings.push(
                    securityFinding(
                        "not-an-operation",
                        at,
                        `${at} is not an operation object (a mapping); the component cannot secure it. Write the operation as a mapping, or remove it.`,
                    ),
                );
            }
        }
    }
    return findings;
}

/** `/paths/~1pets/get` → `paths["/pets"].get`, the way users read their document. */
export function pointerToLocation(pointer: string): string {
    if (pointer === "" || pointer === "#") return "the document root";
    const segments = pointer
        .replace(/^#/, "")
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    return segments
        .map((s, i) => (/^[A-Za-z_$][\w$-]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
        .join("");
}

/** One segment of a JSON pointer (RFC 6901). */
export function escapePointer(segment: string): string {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

interface Reference {
    readonly at: string;
    readonly target: string;
}

/** Every `$ref` in the document with the JSON pointer of where it stands. */
function collectReferences(node: unknown, at: string, found: Reference[]): void {
    if (Array.isArray(node)) {
        node.forEach((child, i) => collectReferences(child, `${at}/${i}`, found));
    } else if (isJsonObject(node)) {
        for (const [key, child] of Object.entries(node)) {
            if (key === "$ref" && typeof child === "string") {
                found.push({ at, target: child });
            } else {
                collectReferences(child, `${at}/${escapePointer(key)}`, found);
            }
        }
    }
}

function resolvePointer(document: OpenApiDocument, ref: string): unknown {
    let node: unknown = document;
    for (const raw of ref.slice(1).split("/").slice(1)) {
        let key: string;
        try {
            key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        } catch {
            return undefined;
        }
        if (Array.isArray(node)) node = node[Number(key)];
        else if (isJsonObject(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
        else return undefined;
    }
    return node;
}

/**
 * Remote and dangling references. A `$ref` cycle between models is no problem: API Gateway imports
 * self-referencing models (LocalStack's AWS-validated import of `openapi.spec.circular-ref.json` with
 * `failOnWarnings`), and nothing here follows references recursively.
 */
function referenceFindings(document: OpenApiDocument): Finding[] {
    const references: Reference[] = [];
    collectReferences(document, "", references);
    const findings: Finding[] = [];
    for (const { at, target } of references) {
        const where = pointerToLocation(at);
        if (!target.startsWith("#/") && target !== "#") {
            findings.push(
                securityFinding(
                    "ref-remote",
                    where,
                    `$ref ${JSON.stringify(target)} at ${where} is not local: API Gateway resolves only references inside the document ("#/..."). Bundle the document first (for example with "redocly bundle").`,
                ),
            );
        } else if (resolvePointer(document, target) === undefined) {
            findings.push(
                securityFinding(
                    "ref-dangling",
                    where,
                    `$ref ${JSON.stringify(target)} at ${where} points at nothing; define it or fix the reference.`,
                ),
            );
        }
    }
    return findings;
}
