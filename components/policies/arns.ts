/**
 * Every ARN the component writes for a principal or a policy is built here, from the provider's
 * partition (`aws`, `aws-cn`, `aws-us-gov`, …): an `arn:aws:` written by hand is wrong in China and
 * GovCloud, and IAM refuses a principal of another partition.
 */

/** An AWS account id: twelve digits. */
export const ACCOUNT_ID = /^\d{12}$/;

/** `arn:<partition>:iam::<account>:root`: the account as a principal (every principal its policies allow). */
export function accountRootArn(partition: string, accountId: string): string {
    return iamArn(partition, accountId, "root");
}

/** `arn:<partition>:iam::<account>:<resource>`, e.g. `role/ci` or `oidc-provider/token.actions.githubusercontent.com`. */
export function iamArn(partition: string, accountId: string, resource: string): string {
    return `arn:${partition}:iam::${accountId}:${resource}`;
}

/** `arn:<partition>:iam::aws:policy/<name>`: one of AWS's managed policies. */
export function awsManagedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

/** `arn:<partition>:execute-api:<region>:<account>`, the prefix of an API's execute-api ARNs. */
export function executeApiArnPrefix(partition: string, region: string, accountId: string): string {
    return `arn:${partition}:execute-api:${region}:${accountId}`;
}

/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`: a role session as IAM names the caller. */
export function assumedRoleArn(partition: string, accountId: string, roleName: string, sessionName: string): string {
    return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** The IAM identity kinds a grant can name. */
export type IamIdentityKind = "role" | "user" | "group";

/** An IAM identity ARN taken apart: `arn:aws:iam::123456789012:role/service-role/ci` → role `ci`. */
export interface ParsedIamArn {
    readonly partition: string;
    readonly accountId: string;
    /** `root` for the account itself. */
    readonly kind: IamIdentityKind | "root";
    /** The name (the last path segment); empty for `root`. */
    readonly name: string;
}

/** IAM's characters for role, user and group names. */
export const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const IAM_IDENTITY_ARN =
    /^arn:(aws[a-z-]*):iam::(\d{12}):(?:(root)|(role|user|group)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,128}))$/;

/** The parts of an IAM role, user, group or account-root ARN; undefined for anything else (wildcards included). */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
    const match = IAM_IDENTITY_ARN.exec(arn);
    if (!match || arn.includes("*") || arn.includes("?")) return undefined;
    const [, partition, accountId, root, kind, name] = match;
    return root
        ? { partition, accountId, kind: "root", name: "" }
        : { partition, accountId, kind: kind as IamIdentityKind, name };
}

/**
 * The longest each part of an ARN can be, for sizing at preview what AWS stores once the real ARNs are
 * known: the partition `aws-us-gov`, the region `us-isof-south-1` (the longest in the AWS SDK's partition
 * table), a 12-digit account and a 10-character REST API id.
 */
export const LONGEST_ARN_PARTS = {
    partition: "aws-us-gov",
    region: "us-isof-south-1",
    accountId: "123456789012",
    restApiId: "abcdefghij",
} as const;
