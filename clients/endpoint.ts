import * as fs from "fs";
import { TlsOptions } from "./transport";

/** Which endpoint a client calls: the custom domain (`domainUrl`), or the default `execute-api` endpoint (`invokeUrl`). */
export type EndpointChoice = "domain" | "default";
export const ENDPOINT_CHOICES: readonly EndpointChoice[] = ["domain", "default"];

/** The key under which `npm start` adds, to the outputs file it writes, where local mode serves each custom domain. */
export const LOCAL_ENDPOINTS_KEY = "secured-rest-api:local";

/** What local mode adds to the outputs: its CA's file, and the loopback address of each custom domain. */
export interface LocalEndpoints {
    /** The PEM file of local mode's CA, which every custom domain's certificate chains to. */
    readonly caFile: string;
    /** `127.0.0.1:<port>` of each custom domain, by host name. */
    readonly domains: Readonly<Record<string, string>>;
}

/** What a client reads of the stack outputs to choose where to call. */
export interface EndpointOutputs {
    readonly invokeUrl: string;
    /** The custom domain's URL (`api.domainUrl`), when the API has one. */
    readonly domainUrl?: string;
    /** Whether the default endpoint is off (`api.disableExecuteApiEndpoint`). */
    readonly disableExecuteApiEndpoint?: boolean;
}

/** The endpoint chosen: the base URL to call and sign, and how to reach it. */
export interface ChosenEndpoint extends Pick<TlsOptions, "ca" | "connectTo"> {
    /** The URL every path is appended to, and whose host and path the signature covers. */
    readonly baseUrl: string;
    /** Whether it is the custom domain. */
    readonly domain: boolean;
}

/**
 * The endpoint to call: the custom domain when the outputs hold one (the signature then covers its host
 * and base path), else the invoke URL; `choice` picks one, refused when the outputs do not have it or
 * the default endpoint is disabled. Local mode's outputs also say where the domain listens and which CA
 * issued its certificate.
 */
export function chooseEndpoint(
    outputs: EndpointOutputs & Record<string, unknown>,
    choice?: EndpointChoice,
): ChosenEndpoint {
    if (choice !== undefined && !ENDPOINT_CHOICES.includes(choice))
        throw new Error(`The endpoint ${JSON.stringify(choice)} is none of ${ENDPOINT_CHOICES.join(", ")}.`);
    const domainUrl = typeof outputs.domainUrl === "string" && outputs.domainUrl !== "" ? outputs.domainUrl : undefined;
    if (choice === "domain" && domainUrl === undefined)
        throw new Error(
            "The outputs hold no domainUrl: the API has no custom domain, or the program does not export it (export const domainUrl = api.domainUrl).",
        );
    if (choice === "default" && outputs.disableExecuteApiEndpoint === true)
        throw new Error(
            `The default endpoint ${outputs.invokeUrl} is disabled (disableExecuteApiEndpoint): call the custom domain${domainUrl ? ` ${domainUrl}` : ""} instead.`,
        );
    if (domainUrl === undefined || choice === "default") return { baseUrl: outputs.invokeUrl, domain: false };
    const url = new URL(domainUrl);
    if (url.protocol !== "https:") throw new Error(`domainUrl ${JSON.stringify(domainUrl)} is not an https URL.`);
    const local = localEndpointsOf(outputs);
    const address = local?.domains[url.hostname];
    if (!local || address === undefined) return { baseUrl: domainUrl, domain: true };
    const [host, port] = address.split(":");
    return {
        baseUrl: domainUrl,
        domain: true,
        connectTo: { host, port: Number(port) },
        ca: fs.readFileSync(local.caFile, "utf8"),
    };
}

/** Local mode's endpoints in the outputs, checked for shape; undefined in outputs of a real stack. */
export function localEndpointsOf(outputs: Record<string, unknown>): LocalEndpoints | undefined {
    const local = outputs[LOCAL_ENDPOINTS_KEY] as Partial<LocalEndpoints> | undefined;
    if (local === undefined) return undefined;
    const valid =
        typeof local === "object" &&
        local !== null &&
        typeof local.caFile === "string" &&
        typeof local.domains === "object" &&
        local.domains !== null &&
        Object.values(local.domains).every((a) => typeof a === "string" && /^[^:]+:\d+$/.test(a));
    if (!valid)
        throw new Error(`The outputs' ${LOCAL_ENDPOINTS_KEY} is not { caFile, domains: { <host>: "<ip>:<port>" } }.`);
    return local as LocalEndpoints;
}
