import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_DESCRIPTION, POLICY_PACK_NAME, policies } from "./policies";

// A module of its own: constructing a PolicyPack starts the analyzer's gRPC server for the Pulumi CLI.
new PolicyPack(POLICY_PACK_NAME, {
    description: POLICY_PACK_DESCRIPTION,
    displayName: "secured-rest-api guard",
    provider: "aws",
    tags: ["aws", "apigateway", "iam"],
    policies,
});
