import { createHash, randomBytes, randomUUID } from "crypto";
import { CertificateRecord, HandlerTable, LocalAwsError } from "./records";

/** A DNS name as ACM takes one: lower-case labels, optionally a leading wildcard. */
const CERTIFICATE_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * ACM in the local account: certificates validated by DNS, issued once their validation records exist
 * in the account's Route 53 zones. Email validation (a person approves it), imported certificates and
 * private CAs are refused: local mode cannot issue them as ACM would.
 */
export const ACM_HANDLERS: HandlerTable = {
    "aws:acm/certificate:Certificate": (account, name, inputs) => {
        const what = `aws.acm.Certificate "${name}"`;
        if (
            inputs.certificateBody !== undefined ||
            inputs.privateKey !== undefined ||
            inputs.privateKeyWo !== undefined
        )
            throw new Error(
                `${what}: local mode does not emulate imported certificates; request one validated by DNS (validationMethod "DNS").`,
            );
        if (inputs.certificateAuthorityArn !== undefined)
            throw new Error(
                `${what}: local mode does not emulate ACM Private CA; request a public certificate validated by DNS.`,
            );
        if (inputs.validationMethod !== "DNS")
            throw new Error(
                `${what}: local mode issues certificates validated by DNS only (validationMethod "DNS"), as it can check their validation records; ${JSON.stringify(inputs.validationMethod ?? "no validationMethod")} needs what only AWS has (a person approving an email).`,
            );
        const sans = Array.isArray(inputs.subjectAlternativeNames) ? inputs.subjectAlternativeNames.map(String) : [];
        const names = [...new Set([String(inputs.domainName), ...sans])];
        for (const n of names)
            if (!CERTIFICATE_NAME.test(n))
                throw new LocalAwsError(
                    "ValidationException",
                    `${what}: ${JSON.stringify(n)} is not a valid domain name.`,
                );
        const region = typeof inputs.region === "string" ? inputs.region : account.region;
        const arn = `arn:${account.partition}:acm:${region}:${account.accountId}:certificate/${randomUUID()}`;
        const validation = names.map((domainName) => ({
            domainName,
            // ACM's record names are a hash under the name (a wildcard's under its base), values a name of its own.
            name: `_${createHash("md5").update(domainName).digest("hex")}.${domainName.replace(/^\*\./, "")}`,
            value: `_${randomBytes(16).toString("hex")}.${randomBytes(5).toString("hex")}.acm-validations.aws`,
        }));
        const record: CertificateRecord = { arn, region, names, validation, status: "PENDING_VALIDATION" };
        account.certificates.set(arn, record);
        return {
            id: arn,
            state: {
                ...inputs,
                arn,
                domainName: names[0],
                subjectAlternativeNames: names,
                domainValidationOptions: validation.map((v) => ({
                    domainName: v.domainName,
                    resourceRecordName: `${v.name}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `${v.value}.`,
                })),
                status: record.status,
                type: "AMAZON_ISSUED",
                keyAlgorithm: "RSA_2048",
                region,
            },
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": (account, name, inputs) => {
        const arn = String(inputs.certificateArn);
        const certificate = account.certificates.get(arn);
        const region = typeof inputs.region === "string" ? inputs.region : account.region;
        if (!certificate || certificate.region !== region)
            throw new LocalAwsError(
                "ResourceNotFoundException",
                `Could not find certificate ${arn} in ${region} (aws.acm.CertificateValidation "${name}"); local mode validates only certificates the program requested.`,
            );
        const fqdns = Array.isArray(inputs.validationRecordFqdns)
            ? inputs.validationRecordFqdns.map((f) => String(f).toLowerCase().replace(/\.$/, ""))
            : undefined;
        for (const v of certificate.validation) {
            // The provider checks the records it was given against the certificate's before it waits (certificate_validation.go).
            if (fqdns !== undefined && !fqdns.includes(v.name))
                throw new Error(`missing ${v.domainName} DNS validation record: ${v.name}`);
            const written = account.dnsRecords.some(
                (r) => r.name === v.name && r.type === "CNAME" && r.values.some((value) => sameName(value, v.value)),
            );
            if (!written)
                throw new Error(
                    `waiting for ACM Certificate (${arn}) to be issued: timeout while waiting for state to become 'ISSUED' (last state: 'PENDING_VALIDATION', timeout: 1h15m0s): no Route 53 record ${v.name} CNAME ${v.value} exists for ${v.domainName}, so ACM could never validate it (local mode fails at once instead of waiting).`,
                );
        }
        certificate.status = "ISSUED";
        return { id: new Date().toISOString(), state: { ...inputs, certificateArn: arn, region } };
    },
};

/** Whether a certificate's names cover a host name: the same name, or a wildcard one label above it. */
export function certificateCovers(names: readonly string[], host: string): boolean {
    return names.some((n) => n === host || (n.startsWith("*.") && host.slice(host.indexOf(".") + 1) === n.slice(2)));
}

/** DNS names compared as DNS does: case aside, with or without the root's trailing dot. */
export function sameName(a: string, b: string): boolean {
    return a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");
}
