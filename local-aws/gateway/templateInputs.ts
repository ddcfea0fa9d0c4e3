import { parse } from "velocityjs";

/**
 * What of the request a mapping template can read, found in its syntax tree once per deployment:
 * each `$input`, `$context` and `$stageVariables` reference, as a part of the request that determines
 * it. A render is a pure function of those parts (`$util` is pure, everything else is the template's
 * own variables), so two requests that agree on them get the same output, and the gateway renders
 * once per distinct set of values. `undefined` when the template's output cannot be tied to such
 * parts (macros, `#evaluate`, `#parse`, `#include`, `#define`): it is rendered every time.
 */
export type TemplateInputs = readonly string[] | undefined;

/** The request parts, as {@link inputPart} reads them, that a template's output depends on. */
export function templateInputs(template: string): TemplateInputs {
    const parts = new Set<string>();
    try {
        return collect(parse(template), parts) ? [...parts].sort() : undefined;
    } catch {
        // A template velocityjs cannot parse fails when it is rendered; it is never cached.
        return undefined;
    }
}

/** Directives whose effect cannot be read from the tree: they make a template's inputs unknowable. */
const OPAQUE = new Set(["macro", "macro_call", "define", "evaluate", "parse", "include"]);

interface Node {
    readonly type?: unknown;
    readonly [key: string]: unknown;
}

/** Walks the tree; false when it meets something that makes the inputs unknowable. */
function collect(node: unknown, parts: Set<string>): boolean {
    if (Array.isArray(node)) return node.every((child) => collect(child, parts));
    if (typeof node !== "object" || node === null) return true;
    const n = node as Node;
    if (typeof n.type === "string" && OPAQUE.has(n.type)) return false;
    if (n.type === "references") parts.add(partOf(n));
    // A double-quoted string is itself a template, rendered when it is read.
    if (n.type === "string" && n.isEval === true && typeof n.value === "string" && /[$#]/.test(n.value)) {
        if (!collect(parse(n.value), parts)) return false;
    }
    for (const [key, child] of Object.entries(n)) if (key !== "pos" && !collect(child, parts)) return false;
    return true;
}

/** A literal argument's text, or undefined for one computed when the template runs. */
function literal(arg: unknown): string | undefined {
    const a = arg as Node;
    if ((a.type === "string" && !(a.isEval === true && /[$#]/.test(String(a.value)))) || a.type === "integer")
        return String(a.value);
    return undefined;
}

/** The request part one reference reads: coarse where it cannot be narrowed (a superset is safe). */
function partOf(reference: Node): string {
    const root = reference.id;
    const first = (Array.isArray(reference.path) ? reference.path[0] : undefined) as Node | undefined;
    const args = Array.isArray(first?.args) ? (first.args as unknown[]) : [];
    if (root === "input") {
        if (first?.type === "method" && (first.id === "params" || first.id === "json" || first.id === "path")) {
            const argument = args.length === 1 ? literal(args[0]) : undefined;
            if (first.id === "params") return argument === undefined ? "input.params()" : `input.params:${argument}`;
            return argument === undefined ? "input.body" : `input.${String(first.id)}:${argument}`;
        }
        if (first?.type === "property" && first.id === "body") return "input.body";
        return "input";
    }
    if (root === "context") return first && typeof first.id === "string" ? `context.${first.id}` : "context";
    if (root === "stageVariables") return "stageVariables";
    // $util is pure; any other name is the template's own variable (or undefined, the same each time).
    return "own";
}

/** The value of one request part for a request's template variables, as text. */
export function inputPart(part: string, variables: Record<string, unknown>): string {
    const input = variables.input as {
        body: string;
        params(name?: string): unknown;
        json(path: string): string;
        path(path: string): unknown;
    };
    const colon = part.indexOf(":");
    const [what, argument] = colon < 0 ? [part, ""] : [part.slice(0, colon), part.slice(colon + 1)];
    switch (what) {
        case "own":
            return "";
        case "input":
            return JSON.stringify([input.params(), input.body]);
        case "input.params()":
            return JSON.stringify(input.params());
        case "input.params":
            return JSON.stringify(input.params(argument));
        case "input.body":
            return input.body;
        case "input.json":
            return input.json(argument);
        case "input.path":
            return JSON.stringify(input.path(argument) ?? null);
        case "context":
        case "stageVariables":
            return JSON.stringify(variables[what]);
        default:
            // `context.<name>`: that one branch of $context.
            return JSON.stringify(
                (variables.context as Record<string, unknown>)[what.slice("context.".length)] ?? null,
            );
    }
}
