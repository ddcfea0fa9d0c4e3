import { isJsonObject, JsonObject, OpenApiDocument, OPERATION_VERBS } from "../../components/openapi/operations";
import { compareScores, matchTemplate, Specificity, TemplatePart, templateParts } from "../../components/openapi/paths";
import { parseResourcePath } from "./path";

/** The method a request reaches in the deployed API. */
export interface Route {
    /** The path template as deployed, e.g. `/pets/{petId}`. */
    readonly pathTemplate: string;
    /** The operation object (with its `x-amazon-apigateway-*` extensions). */
    readonly operation: JsonObject;
    /** Path parameters by name, decoded once, e.g. `petId → "42"`; greedy ones joined with `/`. */
    readonly pathParams: ReadonlyMap<string, string>;
    /** The name of the greedy `{name+}` parameter, whose value spans segments, if the template has one. */
    readonly greedyParam: string | undefined;
    /** The decoded segments the greedy parameter spans (an encoded `/` inside one stays inside it). */
    readonly greedySegments: readonly string[];
}

interface Resource {
    readonly template: string;
    readonly parts: readonly TemplatePart[];
    /** Operations by the verb API Gateway gives them (`GET`, …, `ANY`). */
    readonly methods: ReadonlyMap<string, JsonObject>;
}

/** A deployed document's resources, split once per deployment so a request only compares segments. */
export interface RouteTable {
    readonly resources: readonly Resource[];
}

/** The routes of a deployed document. */
export function buildRouteTable(document: OpenApiDocument): RouteTable {
    const paths = isJsonObject(document.paths) ? document.paths : {};
    const resources: Resource[] = [];
    for (const [template, pathItem] of Object.entries(paths)) {
        if (!isJsonObject(pathItem)) continue;
        const methods = new Map<string, JsonObject>();
        for (const [key, verb] of OPERATION_VERBS) {
            const operation = pathItem[key];
            if (isJsonObject(operation)) methods.set(verb, operation);
        }
        resources.push({ template, parts: templateParts(template), methods });
    }
    return { resources };
}

/**
 * Finds the method a request reaches, as API Gateway does: first the most specific resource whose
 * template matches the decoded segments (literal segments over `{param}` over greedy `{proxy+}`), then
 * on that resource the request's verb, else its `ANY` method. No match means undefined, which the
 * gateway answers like a missing signature (never 404), so unauthenticated callers cannot map the API.
 */
export function findRoute(table: RouteTable, method: string, segments: readonly string[]): Route | undefined {
    let best: { resource: Resource; params: Map<string, string>; score: Specificity[] } | undefined;
    for (const resource of table.resources) {
        const match = matchTemplate(resource.parts, segments);
        if (match && (!best || compareScores(match.score, best.score) > 0)) best = { resource, ...match };
    }
    if (!best) return undefined;
    const verb = method.toUpperCase();
    if (!OPERATION_VERB_NAMES.has(verb) || verb === "ANY") return undefined;
    const operation = best.resource.methods.get(verb) ?? best.resource.methods.get("ANY");
    if (!operation) return undefined;
    const last = best.resource.parts[best.resource.parts.length - 1];
    const greedy = last?.kind === Specificity.Greedy;
    return {
        pathTemplate: best.resource.template,
        operation,
        pathParams: best.params,
        greedyParam: greedy ? last.name : undefined,
        greedySegments: greedy ? segments.slice(best.resource.parts.length - 1) : [],
    };
}

/**
 * {@link findRoute}, unless an encoded `/` in a segment makes the path reach another operation read as a
 * separator than read as data: AWS does not document which reading it routes by, so neither is served
 * (the reading that can never open a hole).
 */
export function findUnambiguousRoute(
    table: RouteTable,
    method: string,
    segments: readonly string[],
): Route | undefined {
    const route = findRoute(table, method, segments);
    if (route === undefined || !segments.some((s) => s.includes("/"))) return route;
    const split = findRoute(
        table,
        method,
        segments.flatMap((s) => s.split("/")),
    );
    return split === undefined || split.operation === route.operation ? route : undefined;
}

const OPERATION_VERB_NAMES = new Set(OPERATION_VERBS.values());
const tables = new WeakMap<OpenApiDocument, RouteTable>();

/**
 * The route a request with this path after the stage (as sent, e.g. `/pets/42`) reaches in a
 * document: {@link findRoute} for callers that hold a document rather than a deployment.
 */
export function matchRoute(document: OpenApiDocument, method: string, resourcePath: string): Route | undefined {
    const path = parseResourcePath(resourcePath);
    if (!path) return undefined;
    let table = tables.get(document);
    if (!table) tables.set(document, (table = buildRouteTable(document)));
    return findRoute(table, method, path.segments);
}
