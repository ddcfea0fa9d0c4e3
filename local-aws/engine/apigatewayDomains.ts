import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EDGE_CERTIFICATE_REGION, parseCertificateArn, parseS3Uri } from "../../components/domain/checks";
import type { LocalAwsAccount } from "./account";
import { certificateCovers } from "./acm";
import { newRestApiId } from "./ids";
import { BasePathMappingRecord, DomainNameRecord, HandlerTable, Inputs, LocalAwsError } from "./records";

/**
 * API Gateway's Route 53 hosted zone of regional endpoints, by region: the alias target zone of a
 * regional custom domain (AWS General Reference, "Amazon API Gateway endpoints and quotas").
 */
const REGIONAL_ZONE_IDS: Readonly<Record<string, string>> = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "ca-central-1": "Z19DQILCV0OWEC",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "sa-east-1": "ZCMLWB8V5SYIT",
};
/** CloudFront's hosted zone: every distribution's alias target zone (Route 53 "AliasTarget"). */
const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";
/** The security policies local mode serves (the developer guide's TLS 1.0 and TLS 1.2 policies). */
const SECURITY_POLICIES = ["TLS_1_0", "TLS_1_2"];
/** One base path segment; AWS shows the root mapping's empty base path as `(none)`. */
const BASE_PATH = /^[A-Za-z0-9._~-]+$/;
/** A custom domain name: lower-case DNS labels, optionally a leading wildcard. */
const DOMAIN_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** API Gateway's custom domain names and base path mappings in the local account. */
export const DOMAIN_HANDLERS: HandlerTable = {
    "aws:apigateway/domainName:DomainName": (account, name, inputs) => {
        const what = `aws.apigateway.DomainName "${name}"`;
        const domainName = String(inputs.domainName);
        if (!DOMAIN_NAME.test(domainName))
            throw new LocalAwsError("BadRequestException", `Invalid domain name: ${domainName}`);
        if (account.domainNames.has(domainName))
            throw new LocalAwsError("ConflictException", "The domain name you provided already exists.");
        for (const field of ["certificateBody", "certificatePrivateKey", "certificateName", "regionalCertificateName"])
            if (inputs[field] !== undefined)
                throw new Error(
                    `${what}: local mode takes certificates from ACM only (certificateArn or regionalCertificateArn), not ${field}.`,
                );
        const endpointType = endpointTypeOf(inputs);
        if (endpointType !== "REGIONAL" && endpointType !== "EDGE")
            throw new Error(
                `${what}: local mode does not emulate ${endpointType} custom domain names (only REGIONAL and EDGE).`,
            );
        const certificateArn = certificateOf(account, domainName, endpointType, inputs);
        const securityPolicy = typeof inputs.securityPolicy === "string" ? inputs.securityPolicy : "TLS_1_2";
        if (!SECURITY_POLICIES.includes(securityPolicy))
            throw new Error(
                `${what}: local mode serves the security policies ${SECURITY_POLICIES.join(" and ")} only, not ${securityPolicy}.`,
            );
        const mutualTls = inputs.mutualTlsAuthentication as
            { truststoreUri?: unknown; truststoreVersion?: unknown } | undefined;
        // Inferred wordings: the developer guide says mutual TLS needs a Regional domain and TLS 1.2, not how it refuses.
        if (mutualTls !== undefined && endpointType === "EDGE")
            throw new LocalAwsError(
                "BadRequestException",
                "Mutual TLS is only supported for REGIONAL custom domain names.",
            );
        if (mutualTls !== undefined && securityPolicy !== "TLS_1_2")
            throw new LocalAwsError("BadRequestException", "Mutual TLS requires the TLS_1_2 security policy.");
        const regionalZone = REGIONAL_ZONE_IDS[account.region];
        if (endpointType === "REGIONAL" && regionalZone === undefined)
            throw new Error(
                `${what}: local mode knows API Gateway's regional hosted zone in ${Object.keys(REGIONAL_ZONE_IDS).join(", ")}, not in ${account.region}.`,
            );
        const record: DomainNameRecord = {
            domainName,
            endpointType,
            certificateArn,
            securityPolicy,
            mutualTls:
                mutualTls === undefined
                    ? undefined
                    : readTruststore(
                          account,
                          String(mutualTls.truststoreUri),
                          typeof mutualTls.truststoreVersion === "string" && mutualTls.truststoreVersion !== ""
                              ? mutualTls.truststoreVersion
                              : undefined,
                      ),
            target:
                endpointType === "EDGE"
                    ? `d${newRestApiId()}.cloudfront.net`
                    : `d-${newRestApiId()}.execute-api.${account.region}.amazonaws.com`,
            targetZoneId: endpointType === "EDGE" ? CLOUDFRONT_ZONE_ID : regionalZone,
        };
        account.domainNames.set(domainName, record);
        const edge = endpointType === "EDGE";
        if (edge)
            account.notices.add(
                `EDGE domain ${domainName}: local mode serves it itself; the CloudFront distribution API Gateway puts in front of it exists only on AWS.`,
            );
        return {
            id: domainName,
            state: {
                ...inputs,
                arn: `arn:${account.partition}:apigateway:${account.region}::/domainnames/${domainName}`,
                domainName,
                endpointConfiguration: { types: endpointType },
                securityPolicy,
                certificateUploadDate: new Date().toISOString(),
                cloudfrontDomainName: edge ? record.target : "",
                cloudfrontZoneId: CLOUDFRONT_ZONE_ID,
                regionalDomainName: edge ? "" : record.target,
                regionalZoneId: edge ? "" : record.targetZoneId,
                region: account.region,
            },
        };
    },
    "aws:apigateway/basePathMapping:BasePathMapping": (account, _name, inputs) => {
        const domain = account.domainNames.get(String(inputs.domainName));
        if (!domain) throw new LocalAwsError("NotFoundException", "Invalid domain name identifier specified");
        const api = account.restApis.get(String(inputs.restApi));
        if (!api) throw new LocalAwsError("NotFoundException", "Invalid REST API identifier specified");
        const stageName =
            typeof inputs.stageName === "string" && inputs.stageName !== "" ? inputs.stageName : undefined;
        if (stageName !== undefined && !account.stage(api.id, stageName))
            throw new LocalAwsError("BadRequestException", "Invalid stage identifier specified");
        const given = typeof inputs.basePath === "string" ? inputs.basePath : "";
        const basePath = given === "(none)" ? "" : given;
        // Inferred wording; one segment is the strict reading (multi-level mappings are API mappings of the v2 API).
        if (basePath !== "" && !BASE_PATH.test(basePath))
            throw new LocalAwsError("BadRequestException", `Invalid base path: ${basePath}`);
        const mappings = account.basePathMappings.get(domain.domainName) ?? [];
        if (mappings.some((m) => m.basePath === basePath))
            throw new LocalAwsError("ConflictException", "Base path already exists for this domain name");
        const record: BasePathMappingRecord = { domainName: domain.domainName, basePath, restApiId: api.id, stageName };
        account.basePathMappings.set(domain.domainName, [...mappings, record]);
        return { id: `${domain.domainName}/${basePath}`, state: { ...inputs, basePath, region: account.region } };
    },
};

/** The endpoint type of a domain, as CreateDomainName takes it (EDGE when none is given). */
function endpointTypeOf(inputs: Inputs): string {
    const configuration = inputs.endpointConfiguration as { types?: unknown } | undefined;
    const types = configuration?.types;
    return String((Array.isArray(types) ? types[0] : types) ?? "EDGE");
}

/**
 * The domain's ACM certificate, refused as API Gateway refuses it: missing for the endpoint type, of
 * another region (EDGE: us-east-1) or account; one the program requested must be issued and cover the
 * name. A certificate made outside the program cannot be seen: local mode says so, once.
 */
function certificateOf(account: LocalAwsAccount, domainName: string, endpointType: string, inputs: Inputs): string {
    const arn = endpointType === "EDGE" ? inputs.certificateArn : inputs.regionalCertificateArn;
    if (typeof arn !== "string" || arn === "")
        throw new LocalAwsError(
            "BadRequestException",
            `A certificate was not provided for the endpoint type ${endpointType}.`,
        );
    const parsed = parseCertificateArn(arn);
    if (!parsed) throw new LocalAwsError("BadRequestException", `Invalid certificate ARN: ${arn}`);
    const region = endpointType === "EDGE" ? EDGE_CERTIFICATE_REGION : account.region;
    if (parsed.region !== region)
        throw new LocalAwsError(
            "BadRequestException",
            `Invalid certificate ARN: ${arn}. Certificate must be in '${region}'.`,
        );
    if (parsed.accountId !== account.accountId || parsed.partition !== account.partition)
        throw new LocalAwsError(
            "BadRequestException",
            "The certificate provided must be owned by the account creating the domain.",
        );
    const own = account.certificates.get(arn);
    if (own === undefined) {
        account.notices.add(
            `Certificate ${arn} was not made by the program: local mode serves ${domainName} with a certificate of its own CA, and only AWS checks that this one exists, is issued and covers ${domainName}.`,
        );
        return arn;
    }
    // Inferred wordings: API Gateway refuses a certificate that is not issued or does not cover the name.
    if (own.status !== "ISSUED")
        throw new LocalAwsError(
            "BadRequestException",
            `Certificate ${arn} is not issued yet (status ${own.status}): create the domain after its aws.acm.CertificateValidation.`,
        );
    if (!certificateCovers(own.names, domainName))
        throw new LocalAwsError(
            "BadRequestException",
            `The certificate ${arn} (for ${own.names.join(", ")}) does not cover the domain name ${domainName}.`,
        );
    return arn;
}

/**
 * The truststore API Gateway reads from S3 when the domain is made. A local file stands in for the S3
 * object: `s3://<bucket>/<key>` is `<bucket>/<key>` in the account's S3 folder, and version `<v>` of it
 * `<bucket>/<key>.versions/<v>`. Certificates it cannot read are warnings, as API Gateway's
 * `truststoreWarnings`; a truststore with none it can use is refused.
 */
function readTruststore(
    account: LocalAwsAccount,
    uri: string,
    version: string | undefined,
): NonNullable<DomainNameRecord["mutualTls"]> {
    const location = parseS3Uri(uri);
    const segments = location?.key.split("/") ?? [];
    if (
        !location ||
        segments.some((s) => s === "" || s === "." || s === "..") ||
        (version !== undefined && !/^[A-Za-z0-9._-]+$/.test(version))
    )
        throw new LocalAwsError("BadRequestException", `Invalid truststore URI: ${uri}`);
    if (account.s3Dir === undefined) throw new Error(`Local mode has no S3 folder to read the truststore ${uri} from.`);
    const file =
        version === undefined
            ? path.join(account.s3Dir, location.bucket, ...segments)
            : path.join(
                  account.s3Dir,
                  location.bucket,
                  ...segments.slice(0, -1),
                  `${segments.at(-1)}.versions`,
                  version,
              );
    // Inferred wording: API Gateway cannot read a truststore object that does not exist.
    if (!fs.existsSync(file) || !fs.statSync(file).isFile())
        throw new LocalAwsError(
            "BadRequestException",
            `Unable to read the truststore ${uri}${version === undefined ? "" : ` (version ${version})`}: the object does not exist (local mode reads it from ${file}).`,
        );
    const text = fs.readFileSync(file, "utf8");
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    const certificates: string[] = [];
    const warnings: string[] = [];
    blocks.forEach((block, i) => {
        try {
            const certificate = new X509Certificate(block);
            if (new Date(certificate.validTo) < new Date())
                warnings.push(
                    `Certificate ${certificate.subject.replace(/\n/g, ", ")} has expired: no client it issued is trusted.`,
                );
            certificates.push(block);
        } catch (e) {
            warnings.push(
                `Certificate ${i + 1} of the truststore cannot be read (${(e as Error).message}); it is ignored.`,
            );
        }
    });
    if (certificates.length === 0)
        throw new LocalAwsError(
            "BadRequestException",
            `The truststore ${uri} holds no X.509 certificate in PEM (read from ${file}).`,
        );
    for (const warning of warnings) account.notices.add(`Truststore ${uri}: ${warning}`);
    return { truststoreUri: uri, truststoreVersion: version, file, certificates, warnings };
}
