import * as YAML from "yaml";
import { InvalidSecuredRestApiInput } from "../errors";
import { Finding, IMPORT_RULES, ruleFinding, securityFinding } from "./findings";
import { isJsonObject, OpenApiDocument } from "./operations";

/**
 * An OpenAPI document as accepted by `SecuredRestApi`: its JSON/YAML text, or the parsed object.
 * Typed `any` on purpose: Pulumi's package schema (what Python, Go and YAML programs see) has no
 * "string or object" union, only "any"; `parseSpec` checks the value at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenApiSpecInput = any;

/** API Gateway's documented limit for an imported API definition (ImportRestApi/PutRestApi body). */
export const MAX_DEFINITION_BYTES = 6 * 1024 * 1024;

/** Which of the two formats API Gateway imports the document is written in. */
export type SpecVersion = "swagger2" | "openapi3";

/**
 * Turns the user's spec (text or object) into a private deep copy of the document, so that securing it
 * never mutates what the caller passed. YAML 1.2 is a superset of JSON, so one parser reads both.
 */
export function parseSpec(spec: OpenApiSpecInput): OpenApiDocument {
    // The input is `any` for the schema's sake; from here on it is checked, not trusted.
    const input: unknown = spec;
    if (typeof input === "string") {
        return parseSpecText(input);
    }
    if (!isJsonObject(input)) {
        fail(`openApiSpec must be an OpenAPI document (object) or its JSON/YAML text; got ${describe(input)}.`);
    }
    try {
        // A JSON round trip both copies and proves the object is plain data API Gateway can receive.
        return JSON.parse(JSON.stringify(input)) as OpenApiDocument;
    } catch (e) {
        return fail(`openApiSpec object cannot be serialised to JSON (${(e as Error).message}); pass plain data only.`);
    }
}

function parseSpecText(input: string): OpenApiDocument {
    // A byte order mark never reaches API Gateway: the body sent is the document serialised anew.
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    if (text.trim() === "") {
        fail("openApiSpec text is empty; pass an OpenAPI 3.0 or Swagger 2.0 document.");
    }
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_DEFINITION_BYTES) {
        throw InvalidSecuredRestApiInput.fromFindings([tooLarge(bytes, "openApiSpec text")]);
    }
    let parsed: YAML.Document.Parsed;
    try {
        // uniqueKeys: a repeated path or operation silently overwriting another is how methods go missing.
        parsed = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    } catch (e) {
        return fail(`openApiSpec text is not valid JSON or YAML: ${(e as Error).message}`);
    }
    if (parsed.errors.length > 0)
        fail(`openApiSpec text is not valid JSON or YAML: ${syntaxProblem(text, parsed.errors[0])}`);
    let value: unknown;
    try {
        value = parsed.toJS({ maxAliasCount: 100 });
    } catch (e) {
        return fail(`openApiSpec text cannot be read as data: ${(e as Error).message}`);
    }
    if (!isJsonObject(value)) {
        fail(
            `openApiSpec text must hold an OpenAPI document (a mapping at the top level); it holds ${describe(value)}.`,
        );
    }
    return JSON.parse(JSON.stringify(value)) as OpenApiDocument;
}

/**
 * The parser's error at the place to fix, with that line and a caret under the column. An error at the
 * very end (an unclosed quote, `[` or `{` runs to the end of the text) is shown where that opening is.
 */
function syntaxProblem(text: string, error: YAML.YAMLError): string {
    const reason = error.message.replace(/ at line \d+, column \d+(:\n[\s\S]*)?$/, "");
    const atEnd = error.pos[0] >= text.replace(/\s+$/, "").length;
    const opening = atEnd ? unclosedOpening(text) : undefined;
    const offset = opening ?? Math.min(error.pos[0], text.length);
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    const line = text.slice(0, lineStart).split("\n").length;
    const column = offset - lineStart + 1;
    const lineText = text.slice(lineStart).split(/\r?\n/)[0];
    const where = opening === undefined ? "" : " (it opens here and is never closed)";
    return `line ${line}, column ${column}: ${reason}${where}. Fix the syntax there:\n\n${lineText}\n${" ".repeat(column - 1)}^`;
}

/** Where the last quote, `[` or `{` that the text never closes begins, as an offset; undefined if none. */
function unclosedOpening(text: string): number | undefined {
    const openings: number[] = [];
    let quote: number | undefined;
    let offset = 0;
    for (const token of new YAML.Lexer().lex(text)) {
        const type = YAML.CST.tokenType(token);
        // The lexer's markers (document, scalar, flow end) stand for no character of the text.
        if (token.length === 1 && (type === "doc-mode" || type === "scalar" || type === "flow-error-end")) continue;
        if (type === "flow-seq-start" || type === "flow-map-start") openings.push(offset);
        if (type === "flow-seq-end" || type === "flow-map-end") openings.pop();
        if (type === "double-quoted-scalar" || type === "single-quoted-scalar") {
            const closed = token.length > 1 && token.endsWith(token[0]) && !/(^|[^\\])(\\\\)*\\"$/.test(token);
            if (!closed) quote = offset;
        }
        offset += token.length;
    }
    return quote ?? openings.at(-1);
}

/** Reads `swagger: "2.0"` or `openapi: 3.0.x`, the two versions API Gateway REST APIs import. */
export function detectVersion(document: OpenApiDocument): SpecVersion {
    const refuse = (problem: string): never => {
        throw InvalidSecuredRestApiInput.fromFindings([
            ruleFinding(
                IMPORT_RULES.openapiVersion,
                "the document root",
                problem,
                "Convert the document to OpenAPI 3.0.x or Swagger 2.0.",
            ),
        ]);
    };
    if (document.swagger !== undefined) {
        if (document.swagger === "2.0") return "swagger2";
        refuse(`Unsupported Swagger version ${JSON.stringify(document.swagger)}: API Gateway imports "2.0" only.`);
    }
    if (document.openapi !== undefined) {
        if (typeof document.openapi === "string" && /^3\.0\.\d+$/.test(document.openapi)) return "openapi3";
        refuse(
            `Unsupported OpenAPI version ${JSON.stringify(document.openapi)}: API Gateway REST APIs import OpenAPI 3.0.x and Swagger 2.0 only.`,
        );
    }
    throw InvalidSecuredRestApiInput.fromFindings([
        securityFinding(
            "no-version",
            "the document root",
            'The document declares neither "openapi: 3.0.x" nor "swagger: \\"2.0\\""; add the version field at the top level.',
        ),
    ]);
}

/** A finding when the final body would exceed what API Gateway accepts in one import. */
export function bodySizeFinding(body: string): Finding | undefined {
    const bytes = Buffer.byteLength(body, "utf8");
    return bytes > MAX_DEFINITION_BYTES ? tooLarge(bytes, "The secured API definition") : undefined;
}

function tooLarge(bytes: number, what: string): Finding {
    return ruleFinding(
        IMPORT_RULES.definitionSize,
        "the document root",
        `${what} is ${bytes} bytes; API Gateway accepts at most ${MAX_DEFINITION_BYTES} bytes (6 MB) per API definition.`,
        "Split the API or remove documentation and examples.",
    );
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    return `a ${typeof value}`;
}

/** The document cannot be read as one (a contract finding): duplicate keys would hide operations. */
function fail(problem: string): never {
    const rule = problem.includes("Map keys must be unique") ? "duplicate-key" : "unreadable-document";
    throw InvalidSecuredRestApiInput.fromFindings([securityFinding(rule, "the document root", problem)]);
}
