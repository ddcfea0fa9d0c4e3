import * as fs from "fs";
import * as path from "path";
import { LOCAL_ENDPOINTS_KEY, LocalEndpoints } from "../clients/endpoint";
import { isJsonObject, listOperations, OpenApiDocument } from "../components/openapi/operations";
import type { LocalMode } from "./localMode";

/** A GET path of a deployed document that needs no path parameter, preferring a signed one below the root. */
export function exampleGetPath(deploymentBody: string): string | undefined {
    const document = JSON.parse(deploymentBody) as OpenApiDocument;
    const gets = listOperations(document).filter(
        (o) => (o.verb === "GET" || o.verb === "ANY") && !o.path.includes("{"),
    );
    const authType = (o: (typeof gets)[number]) =>
        isJsonObject(o.operation["x-amazon-apigateway-auth"])
            ? o.operation["x-amazon-apigateway-auth"].type
            : undefined;
    return (gets.find((o) => o.path !== "/" && authType(o) === "AWS_IAM") ?? gets[0])?.path;
}

/** The file of local mode's CA next to the outputs file: `ca-<…>.pem` for `outputs-<…>.json`, else `<name>-ca.pem`. */
export function certificateAuthorityFile(outputsFile: string): string {
    const base = path.basename(outputsFile, ".json");
    const name = base.startsWith("outputs-") ? `ca-${base.slice("outputs-".length)}` : `${base}-ca`;
    return path.join(path.dirname(outputsFile), `${name}.pem`);
}

/**
 * Writes local mode's CA certificate (public: the key never leaves the process) where clients find it,
 * and returns what the outputs file adds for them: where each custom domain listens, and that file.
 */
export function localEndpoints(local: LocalMode, caFile: string): Record<string, LocalEndpoints> {
    if (local.certificateAuthorityPem === undefined || local.domains.size === 0) return {};
    fs.mkdirSync(path.dirname(caFile), { recursive: true });
    fs.writeFileSync(caFile, local.certificateAuthorityPem);
    return { [LOCAL_ENDPOINTS_KEY]: { caFile, domains: Object.fromEntries(local.domains) } };
}

/**
 * What `npm start` says of the custom domains: where each is served, with which certificate and
 * truststore, a curl line through the first one, and what local mode cannot check or apply.
 */
export function domainLines(
    local: LocalMode,
    files: { readonly caFile: string; readonly outputsFile: string },
    shown: (file: string) => string,
): string[] {
    const lines: string[] = [];
    const account = local.account;
    if (local.domains.size > 0) {
        lines.push(`Custom domains (TLS certificates from local mode's own CA, ${shown(files.caFile)}):`);
        for (const [name, address] of local.domains) {
            const domain = account.domainNames.get(name)!;
            const mappings = account.basePathMappings.get(name) ?? [];
            const paths = mappings.map((m) => `/${m.basePath} → ${m.restApiId}/${m.stageName ?? "<stage>"}`);
            const mtls = domain.mutualTls
                ? `, mutual TLS with truststore ${domain.mutualTls.truststoreUri} read from ${shown(domain.mutualTls.file)}`
                : "";
            lines.push(
                `  https://${name} on ${address} (${domain.securityPolicy}${mtls}): ${paths.join(", ") || "no base path mapping"}`,
            );
        }
        const [name] = [...local.domains.keys()];
        const example = domainExample(local, name);
        if (example) {
            const domain = account.domainNames.get(name)!;
            const client = domain.mutualTls ? " --cert <your client.pem> --key <your client.key>" : "";
            const file = JSON.stringify(files.outputsFile).replace(/'/g, "");
            lines.push(
                "",
                `Try the domain (the signature covers its host and base path; --connect-to sends it to local mode):`,
                `  curl -s --cacert ${shown(files.caFile)}${client} --connect-to ${name}:443:${local.domains.get(name)} --aws-sigv4 "aws:amz:${account.region}:execute-api" --user "$(node -p 'const o=require(${file}); o.accessKeyId+":"+o.secretAccessKey')" ${example}`,
            );
        }
    }
    if (account.notices.size > 0) {
        lines.push("", "Not checked or applied here (only AWS does):");
        for (const notice of account.notices) lines.push(`  - ${notice}`);
    }
    return lines;
}

/** A signed GET URL on the first custom domain, through its first base path mapping to a deployed stage. */
function domainExample(local: LocalMode, name: string): string | undefined {
    for (const mapping of local.account.basePathMappings.get(name) ?? []) {
        if (mapping.stageName === undefined) continue;
        const stage = local.account.stage(mapping.restApiId, mapping.stageName);
        const body = stage && local.account.deployments.get(stage.deploymentId)?.body;
        const get = body ? exampleGetPath(body) : undefined;
        if (get !== undefined) return `https://${name}${mapping.basePath === "" ? "" : `/${mapping.basePath}`}${get}`;
    }
    return undefined;
}
