import type { BasePathMappingRecord } from "../engine/records";

/** Where a request to a custom domain goes: the API and stage its base path mapping names, and the path after them. */
export interface DomainRoute {
    readonly restApiId: string;
    readonly stageName: string;
    /** The path as sent before the resource path: `/v1` for base path `v1`, `""` at the root. */
    readonly prefix: string;
    /** The resource path as sent, e.g. `/pets/%32`; `/` for the root resource. */
    readonly resourceWire: string;
}

/**
 * Applies a domain's base path mappings to a request path, as API Gateway does: the first segment
 * names a base path, else the root mapping (base path `(none)`) takes the whole path; a mapping
 * without a stage takes the stage from the next segment (developer guide, "Working with API mappings").
 * Undefined when no mapping covers the path.
 */
export function resolveBasePath(mappings: readonly BasePathMappingRecord[], rawPath: string): DomainRoute | undefined {
    const first = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
    const named = first ? mappings.find((m) => m.basePath !== "" && m.basePath === first[1]) : undefined;
    const mapping = named ?? mappings.find((m) => m.basePath === "");
    if (!mapping) return undefined;
    const prefix = named ? `/${named.basePath}` : "";
    const rest = named ? (first![2] ?? "/") : rawPath;
    if (mapping.stageName !== undefined)
        return { restApiId: mapping.restApiId, stageName: mapping.stageName, prefix, resourceWire: rest };
    const stage = /^\/([^/]+)(\/.*)?$/.exec(rest);
    if (!stage) return undefined;
    return {
        restApiId: mapping.restApiId,
        stageName: stage[1],
        prefix: `${prefix}/${stage[1]}`,
        resourceWire: stage[2] ?? "/",
    };
}

/**
 * Whether a Host header names the custom domain: the name itself (also with `:443`, or with the local
 * listener's port), or, for a wildcard domain `*.example.com`, one label more than `example.com`.
 */
export function hostNamesDomain(domainName: string, host: string, port: number): boolean {
    const name = host.replace(new RegExp(`:(443|${port})$`), "");
    if (domainName.startsWith("*.")) {
        const dot = name.indexOf(".");
        return dot > 0 && name.slice(dot + 1) === domainName.slice(2);
    }
    return name === domainName;
}
