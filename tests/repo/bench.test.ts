import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { report } from "../../bench/run";
import { PROJECT_DIR } from "../helpers/specs";

describe("npm run bench records only a full run", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // The last recorded run stands for a new one: report only formats and writes what it is given.
    const results = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "bench/results.json"), "utf8")) as Parameters<
        typeof report
    >[0];
    const readme = path.join(dir, "README.md");
    const files = { dir, readme };
    beforeEach(() => fs.writeFileSync(readme, "# Readme\n\n<!-- bench:start -->\nold table\n<!-- bench:end -->\n"));

    it("--quick prints the table and writes nothing: no results files, the README unchanged", async () => {
        const table = await report(results, { quick: true }, files);
        expect(table).to.include("| measure | result | baseline / target |");
        expect(fs.readdirSync(dir)).to.deep.equal(["README.md"]);
        expect(fs.readFileSync(readme, "utf8")).to.include("old table");
    });

    it("a full run writes results.json, results.md and the README's table", async () => {
        const table = await report(results, { quick: false }, files);
        expect(fs.readdirSync(dir).sort()).to.deep.equal(["README.md", "results.json", "results.md"]);
        expect(JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"))).to.deep.equal(results);
        expect(fs.readFileSync(path.join(dir, "results.md"), "utf8")).to.include(table);
        expect(fs.readFileSync(readme, "utf8")).not.to.include("old table");
    });
});
