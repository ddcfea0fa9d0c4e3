import {
    ANY_METHOD_KEY,
    isJsonObject,
    JsonObject,
    OpenApiDocument,
    OPERATION_VERBS,
} from "../../components/openapi/operations";

/** The method a request reaches in the deployed API. */
export interface Route {
    /** The path template as deployed, e.g. `/pets/{petId}`. */
    readonly pathTemplate: string;
    /** The operation object (with its `x-amazon-apigateway-*` extensions). */
    readonly operation: JsonObject;
    /** Path parameters, URL-decoded, e.g. `{ petId: "42" }`. */
    readonly pathParams: Record<string, string>;
}

const VERB_TO_KEY = new Map([...OPERATION_VERBS].map(([key, verb]) => [verb, key]));

/** How specific a template segment is: a literal beats `{param}`, which beats a greedy `{param+}`. */
const enum Specificity {
    Greedy = 0,
    Param = 1,
    Literal = 2,
}

/**
 * Finds the method a request reaches, as API Gateway does: first the most specific resource whose
 * template matches the path (literal segments over `{param}` over greedy `{proxy+}`), then on that
 * resource the request's verb, else its `ANY` method. No match means undefined, which the gateway
 * answers like a missing signature (never 404), so unauthenticated callers cannot map the API.
 *
 * @param resourcePath the request path after the stage, as sent on the wire (e.g. `/pets/42`).
 */
export function matchRoute(document: OpenApiDocument, method: string, resourcePath: string): Route | undefined {
    const segments = splitPath(resourcePath);
    if (segments === undefined) return undefined;
    const paths = isJsonObject(document.paths) ? document.paths : {};
    let best: { template: string; pathItem: JsonObject; params: Record<string, string>; score: number[] } | undefined;
    for (const [template, pathItem] of Object.entries(paths)) {
        if (!isJsonObject(pathItem)) continue;
        const match = matchTemplate(template, segments);
        if (match && (!best || compareScores(match.score, best.score) > 0)) {
            best = { template, pathItem, params: match.params, score: match.score };
        }
    }
    if (!best) return undefined;
    const key = VERB_TO_KEY.get(method.toUpperCase());
    const operation = (key !== undefined ? best.pathItem[key] : undefined) ?? best.pathItem[ANY_METHOD_KEY];
    if (key === undefined || !isJsonObject(operation)) return undefined;
    return { pathTemplate: best.template, operation, pathParams: best.params };
}

/**
 * `/pets/42` → `["pets", "42"]` decoded; `/` → `[]`. Empty segments (`//`, a trailing `/`), dot
 * segments (`.`, `..`, also encoded) and undecodable ones match nothing: routing and the IAM resource
 * ARN then always see the same path, so no spelling of a path can reach another route's integration.
 */
function splitPath(resourcePath: string): string[] | undefined {
    if (resourcePath === "" || resourcePath === "/") return [];
    if (!resourcePath.startsWith("/")) return undefined;
    const raw = resourcePath.slice(1).split("/");
    try {
        const segments = raw.map((s) => decodeURIComponent(s));
        return segments.some((s) => s === "" || s === "." || s === "..") ? undefined : segments;
    } catch {
        return undefined;
    }
}

function matchTemplate(
    template: string,
    segments: string[],
): { params: Record<string, string>; score: number[] } | undefined {
    const parts = template === "/" ? [] : template.replace(/^\//, "").split("/");
    const params: Record<string, string> = {};
    const score: number[] = [];
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const greedy = /^\{(.+)\+\}$/.exec(part);
        if (greedy && i === parts.length - 1) {
            if (segments.length <= i) return undefined;
            params[greedy[1]] = segments.slice(i).join("/");
            score.push(Specificity.Greedy);
            return { params, score };
        }
        if (i >= segments.length) return undefined;
        const param = /^\{(.+)\}$/.exec(part);
        if (param) {
            params[param[1]] = segments[i];
            score.push(Specificity.Param);
        } else if (part === segments[i]) {
            score.push(Specificity.Literal);
        } else {
            return undefined;
        }
    }
    return parts.length === segments.length ? { params, score } : undefined;
}

function compareScores(a: number[], b: number[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) return a[i] - b[i];
    }
    return a.length - b.length;
}
