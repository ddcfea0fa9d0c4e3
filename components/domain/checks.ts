import * as pulumi from "@pulumi/pulumi";
import {
    DOMAIN_ENDPOINT_TYPES,
    DOMAIN_SECURITY_POLICIES,
    DomainEndpointType,
    DomainSecurityPolicy,
} from "../args/args";
import { isJsonObject } from "../openapi/operations";

/** The custom domain the component creates, every default applied; checked before anything is registered. */
export interface DomainPlan {
    readonly domainName: string;
    readonly endpointType: DomainEndpointType;
    readonly securityPolicy: DomainSecurityPolicy;
    /** `""` maps the stage at the domain's root. */
    readonly basePath: string;
    /** An ACM certificate given; undefined when the component requests one in `hostedZoneId`. */
    readonly certificateArn: pulumi.Input<string> | undefined;
    readonly hostedZoneId: pulumi.Input<string> | undefined;
    readonly mutualTls:
        { readonly truststoreUri: pulumi.Input<string>; readonly truststoreVersion?: pulumi.Input<string> } | undefined;
}

/** Where an EDGE domain's certificate must be: CloudFront takes certificates from us-east-1 only (developer guide, "Getting certificates ready in AWS Certificate Manager"). */
export const EDGE_CERTIFICATE_REGION = "us-east-1";

/** A DNS name of lower-case labels (1 to 63 letters, digits, inner hyphens), optionally a leading wildcard, at most 253 characters. */
const DOMAIN_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** An ACM certificate ARN: `arn:<partition>:acm:<region>:<account>:certificate/<id>`. */
const ACM_ARN = /^arn:(aws[a-z-]*):acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/[A-Za-z0-9-]+$/;
/** A Route 53 hosted zone id, as the provider takes it (without `/hostedzone/`). */
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** One base path segment; AWS shows an empty base path as `(none)`. */
const BASE_PATH = /^[A-Za-z0-9._-]{1,128}$/;
/** `s3://<bucket>/<key>` with an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens). */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
/** The https URLs of an S3 object, virtual-hosted or path style. */
const S3_HTTPS = [
    /^https:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?\/(.+)$/,
    /^https:\/\/s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/,
];

/** The parts of an ACM certificate ARN, or undefined for anything else. */
export function parseCertificateArn(arn: string): { partition: string; region: string; accountId: string } | undefined {
    const match = ACM_ARN.exec(arn);
    return match ? { partition: match[1], region: match[2], accountId: match[3] } : undefined;
}

/** The bucket and key of an `s3://` URI, or undefined for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
    const match = S3_URI.exec(uri);
    return match ? { bucket: match[1], key: match[2] } : undefined;
}

/**
 * Checks `domain` (and what it changes elsewhere: `disableExecuteApiEndpoint`, the API's endpoint type)
 * and plans it. `apiRegion` is the region the API is deployed to when known before anything runs (the
 * stack's `aws:region`); the certificate's region is checked against it here, else when the region is known.
 */
export function planDomain(
    args: { domain?: unknown; endpointType?: unknown; disableExecuteApiEndpoint?: unknown },
    apiRegion: string | undefined,
): { problems: string[]; plan: DomainPlan | undefined } {
    const domain = args.domain;
    if (domain === undefined) return { problems: [], plan: undefined };
    if (!isJsonObject(domain) || pulumi.Output.isInstance(domain))
        return {
            problems: [
                'domain must be an object such as { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }.',
            ],
            plan: undefined,
        };
    const problems: string[] = [];
    const domainName = checkedDomainName(domain.domainName, problems);
    const endpointType = (domain.endpointType ?? "REGIONAL") as DomainEndpointType;
    if (!DOMAIN_ENDPOINT_TYPES.includes(endpointType))
        problems.push(
            domain.endpointType === "PRIVATE"
                ? 'domain.endpointType "PRIVATE" is not supported: a private API\'s custom domain (aws.apigateway.DomainNameV2, reached through a VPC endpoint) is not created by this component; use "REGIONAL" or "EDGE".'
                : `domain.endpointType ${JSON.stringify(endpointType)} is not supported: use "REGIONAL" (the default) or "EDGE".`,
        );
    if (args.endpointType === "PRIVATE")
        problems.push(
            'domain maps a public custom domain name to a PRIVATE API, which only VPC endpoints reach: drop domain, or make the API public with endpointType "REGIONAL" (and no VPC conditions in resourcePolicy).',
        );
    const securityPolicy = (domain.securityPolicy ?? "TLS_1_2") as DomainSecurityPolicy;
    if (!DOMAIN_SECURITY_POLICIES.includes(securityPolicy))
        problems.push(
            `domain.securityPolicy ${JSON.stringify(securityPolicy)} is not supported: use "TLS_1_2" (the default) or "TLS_1_0".`,
        );
    const basePath = checkedBasePath(domain.basePath, problems);
    const certificateArn = stringInput(domain.certificateArn, "domain.certificateArn", problems);
    const hostedZoneId = stringInput(domain.hostedZoneId, "domain.hostedZoneId", problems);
    if (typeof hostedZoneId === "string" && !HOSTED_ZONE_ID.test(hostedZoneId)) {
        const bare = hostedZoneId.replace(/^\/?hostedzone\//, "");
        problems.push(
            HOSTED_ZONE_ID.test(bare)
                ? `domain.hostedZoneId ${JSON.stringify(hostedZoneId)} must be the zone's id alone: write "${bare}".`
                : `domain.hostedZoneId ${JSON.stringify(hostedZoneId)} must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ".`,
        );
    }
    const where = endpointType === "EDGE" ? EDGE_CERTIFICATE_REGION : (apiRegion ?? "the API's region");
    if (certificateArn === undefined && hostedZoneId === undefined)
        problems.push(
            `domain needs a certificate for ${domainName ?? "its domain name"}: pass certificateArn (an issued ACM certificate covering it, in ${where}) or hostedZoneId (the component then requests one and validates it by DNS in that zone).`,
        );
    if (typeof certificateArn === "string" && DOMAIN_ENDPOINT_TYPES.includes(endpointType))
        problems.push(...certificateArnProblems(certificateArn, endpointType, apiRegion));
    const mutualTls = checkedMutualTls(domain.mutualTls, problems);
    if (mutualTls !== undefined) {
        if (endpointType === "EDGE")
            problems.push(
                'domain.mutualTls needs a REGIONAL custom domain (AWS\'s developer guide: mutual TLS requires a Regional custom domain name): set domain.endpointType "REGIONAL", or drop mutualTls.',
            );
        if (securityPolicy === "TLS_1_0")
            problems.push(
                'domain.mutualTls needs securityPolicy "TLS_1_2" (AWS requires a minimum TLS version of 1.2 for mutual TLS): set it, or leave securityPolicy out.',
            );
        if (args.disableExecuteApiEndpoint === false)
            problems.push(
                "disableExecuteApiEndpoint: false leaves the default endpoint (https://<api-id>.execute-api.<region>.amazonaws.com) open to callers without a client certificate, bypassing domain.mutualTls (AWS's developer guide: disable the default endpoint so that clients reach the API only through the domain with mutual TLS): remove disableExecuteApiEndpoint (with mutualTls it defaults to true), or drop mutualTls.",
            );
    }
    if (problems.length > 0 || domainName === undefined) return { problems, plan: undefined };
    return {
        problems,
        plan: { domainName, endpointType, securityPolicy, basePath, certificateArn, hostedZoneId, mutualTls },
    };
}

/**
 * Why API Gateway would refuse this certificate for a domain of this type: not an ACM ARN, or not in
 * the region the domain takes certificates from (`region`, when known). Used at preview for a string,
 * and when an Output resolves.
 */
export function certificateArnProblems(
    arn: string,
    endpointType: DomainEndpointType,
    region: string | undefined,
): string[] {
    const parsed = parseCertificateArn(arn);
    if (!parsed)
        return [
            `domain.certificateArn ${JSON.stringify(arn)} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>): API Gateway takes a custom domain's certificate from ACM.`,
        ];
    // Other partitions' edge rules are left to AWS; the commercial partition's CloudFront reads us-east-1 only.
    if (endpointType === "EDGE" && parsed.partition === "aws" && parsed.region !== EDGE_CERTIFICATE_REGION)
        return [
            `domain.certificateArn is in ${parsed.region}, and an EDGE domain's certificate must be in ${EDGE_CERTIFICATE_REGION}, where CloudFront takes certificates from (API Gateway refuses it: "Certificate must be in '${EDGE_CERTIFICATE_REGION}'"): request or import the certificate in ${EDGE_CERTIFICATE_REGION}, or use endpointType "REGIONAL" with a certificate of the API's region.`,
        ];
    if (endpointType === "REGIONAL" && region !== undefined && parsed.region !== region)
        return [
            `domain.certificateArn is in ${parsed.region}, and a REGIONAL domain's certificate must be in the API's region, ${region} (API Gateway refuses it: "Certificate must be in '${region}'"): use a certificate of ${region}, or pass hostedZoneId instead of certificateArn to have one requested there.`,
        ];
    return [];
}

/** Why API Gateway would refuse this truststore location (used at preview for a string, and when an Output resolves). */
export function truststoreUriProblems(uri: string): string[] {
    if (parseS3Uri(uri)) return [];
    for (const https of S3_HTTPS) {
        const match = https.exec(uri);
        if (match)
            return [
                `domain.mutualTls.truststoreUri ${JSON.stringify(uri)} must be an s3:// URI: write "s3://${match[1]}/${match[2]}".`,
            ];
    }
    return [
        `domain.mutualTls.truststoreUri ${JSON.stringify(uri)} must be "s3://<bucket>/<key>" (the S3 object holding the truststore), such as "s3://my-truststore-bucket/truststore.pem".`,
    ];
}

/** `https://<domainName>/<basePath>` (no trailing slash at the root), the URL clients call and sign. */
export function domainUrlOf(plan: Pick<DomainPlan, "domainName" | "basePath">): string {
    return `https://${plan.domainName}${plan.basePath === "" ? "" : `/${plan.basePath}`}`;
}

function checkedDomainName(value: unknown, problems: string[]): string | undefined {
    if (typeof value !== "string" || value === "") {
        problems.push('domain.domainName is required: the name clients call, such as "api.example.com".');
        return undefined;
    }
    if (DOMAIN_NAME.test(value)) return value;
    const written = value
        .trim()
        .replace(/^[a-z]+:\/\//i, "")
        .replace(/[/:?#].*$/, "")
        .replace(/\.$/, "")
        .toLowerCase();
    problems.push(
        DOMAIN_NAME.test(written)
            ? `domain.domainName ${JSON.stringify(value)} must be the lower-case host name alone: write "${written}".`
            : `domain.domainName ${JSON.stringify(value)} is not a domain name: use lower-case labels of letters, digits and inner "-", separated by dots, such as "api.example.com" (or a wildcard "*.example.com").`,
    );
    return undefined;
}

function checkedBasePath(value: unknown, problems: string[]): string {
    if (value === undefined || value === "") return "";
    if (typeof value !== "string") {
        problems.push(`domain.basePath must be a string such as "v1"; got ${JSON.stringify(value)}.`);
        return "";
    }
    if (BASE_PATH.test(value)) return value;
    const trimmed = value.replace(/^\/+|\/+$/g, "");
    if (value === "(none)")
        problems.push(
            'domain.basePath "(none)" is how AWS shows the root mapping: leave basePath out (or "") to map the stage at the root.',
        );
    else if (trimmed !== value && BASE_PATH.test(trimmed))
        problems.push(`domain.basePath ${JSON.stringify(value)} must be written without slashes: write "${trimmed}".`);
    else
        problems.push(
            `domain.basePath ${JSON.stringify(value)} must be one path segment of letters, digits, "-", "_" and ".", such as "v1", or "" for the root.`,
        );
    return value;
}

function checkedMutualTls(value: unknown, problems: string[]): DomainPlan["mutualTls"] {
    if (value === undefined) return undefined;
    if (!isJsonObject(value) || pulumi.Output.isInstance(value)) {
        problems.push(
            'domain.mutualTls must be an object such as { truststoreUri: "s3://my-truststore-bucket/truststore.pem" }.',
        );
        return undefined;
    }
    const uri = stringInput(value.truststoreUri, "domain.mutualTls.truststoreUri", problems);
    if (uri === undefined)
        problems.push(
            'domain.mutualTls.truststoreUri is required: the S3 object holding the truststore, such as "s3://my-truststore-bucket/truststore.pem".',
        );
    else if (typeof uri === "string") problems.push(...truststoreUriProblems(uri));
    const version = stringInput(value.truststoreVersion, "domain.mutualTls.truststoreVersion", problems);
    if (version === "") problems.push("domain.mutualTls.truststoreVersion must be an S3 object version id when given.");
    return uri === undefined ? undefined : { truststoreUri: uri, truststoreVersion: version };
}

/** A string or an Output (a promise) of one; undefined when not given; a problem for anything else. */
function stringInput(value: unknown, name: string, problems: string[]): pulumi.Input<string> | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "string" || pulumi.Output.isInstance(value) || value instanceof Promise)
        return value as pulumi.Input<string>;
    problems.push(`${name} must be a string or an Output of one; got ${JSON.stringify(value) ?? typeof value}.`);
    return undefined;
}
