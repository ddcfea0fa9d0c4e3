import { isJsonObject } from "../../components/openapi/operations";
import { sameName } from "./acm";
import { DnsRecord, HandlerTable, LocalAwsError } from "./records";

/** A hosted zone id as Route 53 gives it (the provider takes it without `/hostedzone/`). */
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** The record types Route 53 stores. */
const RECORD_TYPES = new Set([
    "A",
    "AAAA",
    "CAA",
    "CNAME",
    "DS",
    "HTTPS",
    "MX",
    "NAPTR",
    "NS",
    "PTR",
    "SOA",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
]);

/**
 * Route 53 record sets in the local account. The hosted zones are outside the program (only their ids
 * are known), so local mode keeps the records, answers no DNS, and says once per zone that only AWS
 * knows whether the zone is the one public DNS delegates the names to.
 */
export const ROUTE53_HANDLERS: HandlerTable = {
    "aws:route53/record:Record": (account, resourceName, inputs) => {
        const zoneId = String(inputs.zoneId);
        if (!ZONE_ID.test(zoneId))
            throw new LocalAwsError("NoSuchHostedZone", `No hosted zone found with ID: ${zoneId}`);
        const type = String(inputs.type);
        if (!RECORD_TYPES.has(type))
            throw new LocalAwsError(
                "InvalidInput",
                `Invalid request: Expected type to be one of ${[...RECORD_TYPES].join(", ")}; got ${type}`,
            );
        const name = String(inputs.name).toLowerCase().replace(/\.$/, "");
        const values = Array.isArray(inputs.records) ? inputs.records.map(String) : [];
        const aliases = Array.isArray(inputs.aliases) ? inputs.aliases.filter(isJsonObject) : [];
        // The provider's schema: an alias and records are exclusive, and one of them is required (record.go).
        if (aliases.length > 1 || (aliases.length === 1) === values.length > 0)
            throw new Error(
                `aws.route53.Record "${resourceName}": give either records (with ttl) or one alias, not both and not neither.`,
            );
        const alias = aliases[0] && { name: String(aliases[0].name), zoneId: String(aliases[0].zoneId) };
        if (alias) refuseForeignAliasTarget(account.domainNames.values(), name, type, alias);
        const taken = account.dnsRecords.findIndex((r) => r.zoneId === zoneId && r.name === name && r.type === type);
        if (taken >= 0 && inputs.allowOverwrite !== true)
            throw new LocalAwsError(
                "InvalidChangeBatch",
                `[Tried to create resource record set [name='${name}.', type='${type}'] but it already exists]`,
            );
        const record: DnsRecord = { zoneId, name, type, values, alias };
        if (taken >= 0) account.dnsRecords.splice(taken, 1, record);
        else account.dnsRecords.push(record);
        account.notices.add(
            `Route 53 zone ${zoneId}: local mode keeps the program's records there and answers no DNS; whether public DNS delegates their names to this zone only AWS can tell.`,
        );
        return { id: `${zoneId}_${name}_${type}`, state: { ...inputs, fqdn: name } };
    },
};

/** Route 53 refuses an alias to an API Gateway domain's target named with another hosted zone than the target's. */
function refuseForeignAliasTarget(
    domains: Iterable<{ readonly target: string; readonly targetZoneId: string }>,
    name: string,
    type: string,
    alias: { readonly name: string; readonly zoneId: string },
): void {
    for (const domain of domains) {
        if (sameName(domain.target, alias.name) && domain.targetZoneId !== alias.zoneId)
            throw new LocalAwsError(
                "InvalidChangeBatch",
                `[Tried to create an alias that targets ${alias.name}., type ${type} in zone ${alias.zoneId}, but the alias target name does not lie within the target zone] (record ${name}: the target's zone is ${domain.targetZoneId})`,
            );
    }
}
