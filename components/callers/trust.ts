import { ACCOUNT_ID, accountRootArn, parseIamArn } from "../policies/arns";

/** One statement of a role's trust policy: who may assume it, and on which conditions. */
export interface TrustStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: {
        readonly AWS?: readonly string[];
        readonly Service?: readonly string[];
        readonly Federated?: string;
    };
    readonly Action: string;
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A role's trust policy (`assumeRolePolicy`). */
export interface TrustPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly TrustStatement[];
}

/** The service principal of Cognito identity pools, issuer of the tokens their roles are assumed with. */
export const COGNITO_IDENTITY = "cognito-identity.amazonaws.com";

/** A web identity whose provider ARN is known. */
export interface ResolvedWebIdentity {
    readonly providerArn: string;
    readonly issuer: string;
    readonly audiences: readonly string[];
    readonly subjects: readonly string[];
}

/** Everything a role's trust names, each principal already in ARN form. */
export interface RoleTrust {
    readonly principals: readonly string[];
    readonly services: readonly string[];
    readonly webIdentities: readonly ResolvedWebIdentity[];
    readonly externalId: string | undefined;
}

/**
 * A principal of a policy as IAM stores it: a bare account id becomes the account's root ARN in the
 * stack's partition; an ARN must be of that partition (IAM refuses another's). Throws, naming `where`.
 */
export function principalArn(value: string, partition: string, where: string): string {
    if (ACCOUNT_ID.test(value)) return accountRootArn(partition, value);
    const arn = parseIamArn(value);
    if (!arn || arn.kind === "group")
        throw new Error(`${where} ${JSON.stringify(value)} is not an account id or an IAM role or user ARN.`);
    if (arn.partition !== partition)
        throw new Error(
            `${where} ${JSON.stringify(value)} is in partition ${arn.partition}, but this stack deploys to ${partition}: IAM refuses principals of another partition. Write the ARN with arn:${partition}:, or give the account id.`,
        );
    return value;
}

/**
 * Least-privilege trust: one statement per kind of truster, each allowing only its own way in
 * (`sts:AssumeRole` for principals and services, `sts:AssumeRoleWithWebIdentity` for web identities,
 * with `aud` and `sub` conditions), never `*`.
 */
export function roleTrustPolicy(trust: RoleTrust): TrustPolicyDocument {
    const statements: TrustStatement[] = [];
    if (trust.principals.length > 0)
        statements.push({
            Sid: "TrustedPrincipals",
            Effect: "Allow",
            Principal: { AWS: [...trust.principals] },
            Action: "sts:AssumeRole",
            ...(trust.externalId === undefined
                ? {}
                : { Condition: { StringEquals: { "sts:ExternalId": trust.externalId } } }),
        });
    if (trust.services.length > 0)
        statements.push({
            Sid: "TrustedServices",
            Effect: "Allow",
            Principal: { Service: [...trust.services] },
            Action: "sts:AssumeRole",
        });
    trust.webIdentities.forEach((identity, i) =>
        statements.push({
            Sid: `TrustedWebIdentity${i + 1}`,
            Effect: "Allow",
            Principal: { Federated: identity.providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: { [`${identity.issuer}:aud`]: [...identity.audiences] },
                StringLike: { [`${identity.issuer}:sub`]: [...identity.subjects] },
            },
        }),
    );
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The trust AWS documents for an identity pool's role: Cognito identity tokens of this pool only
 * (`cognito-identity.amazonaws.com:aud`), of this kind of identity only (`…:amr`).
 */
export function identityPoolTrustPolicy(
    identityPoolId: string,
    identities: "authenticated" | "unauthenticated",
): TrustPolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: identities === "authenticated" ? "SignedInUsersOfThisPool" : "GuestsOfThisPool",
                Effect: "Allow",
                Principal: { Federated: COGNITO_IDENTITY },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${COGNITO_IDENTITY}:aud`]: identityPoolId },
                    "ForAnyValue:StringLike": { [`${COGNITO_IDENTITY}:amr`]: identities },
                },
            },
        ],
    };
}
