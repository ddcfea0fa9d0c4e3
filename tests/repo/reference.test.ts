import * as fs from "fs";
import { expect } from "chai";
import { REFERENCE_FILE, renderReference } from "../../scripts/reference";

describe("docs/reference.md, generated from the component's TSDoc", () => {
    it("is up to date (npm run docs writes it)", () => {
        const written = fs.existsSync(REFERENCE_FILE) ? fs.readFileSync(REFERENCE_FILE, "utf8") : "";
        expect(written === renderReference(), "docs/reference.md is stale: run `npm run docs` and commit it").to.equal(
            true,
        );
    });

    it("documents every argument and output, with its default where it has one", () => {
        const reference = renderReference();
        for (const name of ["openApiSpec", "publicOperations", "crossAccountGrants", "invokeUrl", "operations"])
            expect(reference).to.match(new RegExp(`^### ${name}\\??$`, "m"));
        expect(reference).to.include('### stageName?\n\n`string` · default: "test"');
    });
});
