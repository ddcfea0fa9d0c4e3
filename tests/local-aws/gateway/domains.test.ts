import { expect } from "chai";
import { BasePathMappingRecord } from "../../../local-aws/engine/records";
import { hostNamesDomain, resolveBasePath } from "../../../local-aws/gateway/domains";

const mapping = (basePath: string, restApiId: string, stageName?: string): BasePathMappingRecord => ({
    domainName: "api.example.com",
    basePath,
    restApiId,
    stageName,
});

describe("a custom domain's base path mappings and Host, as API Gateway applies them", () => {
    const mappings = [mapping("v1", "orders", "prod"), mapping("", "site", "live"), mapping("any", "reports")];

    it("the first segment names a base path; the rest is the resource path, the base path its prefix", () => {
        expect(resolveBasePath(mappings, "/v1/pets/%32")).to.deep.equal({
            restApiId: "orders",
            stageName: "prod",
            prefix: "/v1",
            resourceWire: "/pets/%32",
        });
        expect(resolveBasePath(mappings, "/v1")).to.deep.include({ restApiId: "orders", resourceWire: "/" });
    });

    it("any other path goes to the root mapping whole; without one, nothing covers it", () => {
        expect(resolveBasePath(mappings, "/v2/pets")).to.deep.equal({
            restApiId: "site",
            stageName: "live",
            prefix: "",
            resourceWire: "/v2/pets",
        });
        expect(resolveBasePath(mappings, "/")).to.deep.include({ restApiId: "site", resourceWire: "/" });
        expect(resolveBasePath([mapping("v1", "orders", "prod")], "/v2/pets")).to.equal(undefined);
        // A base path is matched as written: "V1" is not "v1".
        expect(resolveBasePath([mapping("v1", "orders", "prod")], "/V1/pets")).to.equal(undefined);
    });

    it("a mapping without a stage takes the stage from the next segment", () => {
        expect(resolveBasePath(mappings, "/any/beta/summary")).to.deep.equal({
            restApiId: "reports",
            stageName: "beta",
            prefix: "/any/beta",
            resourceWire: "/summary",
        });
        expect(resolveBasePath([mapping("any", "reports")], "/any")).to.equal(undefined);
    });

    it("the Host names the domain with or without :443 or the listener's port; a wildcard domain one label more", () => {
        expect(hostNamesDomain("api.example.com", "api.example.com", 9230)).to.equal(true);
        expect(hostNamesDomain("api.example.com", "api.example.com:443", 9230)).to.equal(true);
        expect(hostNamesDomain("api.example.com", "api.example.com:9230", 9230)).to.equal(true);
        expect(hostNamesDomain("api.example.com", "api.example.com:8443", 9230)).to.equal(false);
        expect(hostNamesDomain("api.example.com", "www.example.com", 9230)).to.equal(false);
        expect(hostNamesDomain("*.example.com", "a.example.com", 9230)).to.equal(true);
        expect(hostNamesDomain("*.example.com", "a.b.example.com", 9230)).to.equal(false);
        expect(hostNamesDomain("*.example.com", "example.com", 9230)).to.equal(false);
    });
});
