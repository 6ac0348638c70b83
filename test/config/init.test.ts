/**
 * `pgsafe init` in a temporary directory: writes a valid starter config for the detected tool,
 * prints the pre-commit and CI snippets, refuses to overwrite a config unless --force.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/index.js";
import { packageVersion } from "../../src/cli/main.js";
import { detectProjectFramework } from "../../src/cli/init.js";
import { expectConfigError, makeProject, removeTree, run } from "./helpers.js";

const GOOSE = "-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE accounts;\n";

let root: string | undefined;
afterEach(() => {
  if (root) removeTree(root);
  root = undefined;
});

function readConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "pgsafe.config.json"), "utf8")) as Record<string, unknown>;
}

describe("pgsafe init", () => {
  it("writes pgsafe.config.json with $schema and the detected framework, and prints the snippets", async () => {
    root = makeProject({ "db/migrations/20240101000000_accounts.sql": GOOSE, "db/migrations/20240102000000_more.sql": GOOSE });
    const r = await run(["init"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const config = readConfig(root);
    expect(config).toEqual({ $schema: expect.stringMatching(/src\/config\/pgsafe\.config\.schema\.json$/) as unknown, pgVersion: 15, framework: "goose", rules: {} });
    expect(r.stdout).toMatch(/^Wrote pgsafe\.config\.json \(framework: goose, recognised by 2 migration files, e\.g\. db\/migrations\/20240101000000_accounts\.sql\)\.\n/);
    // pre-commit: the consumer's .pre-commit-config.yaml entry, narrowed to the migrations folder.
    expect(r.stdout).toContain(
      ["  repos:", "    - repo: https://github.com/pgsafe/pgsafe", `      rev: v${packageVersion()}`, "      hooks:", "        - id: pgsafe", "          files: ^db/migrations/.*\\.sql$"].join("\n"),
    );
    // GitHub Actions: a step that lints the migrations folder.
    expect(r.stdout).toContain("      - uses: actions/setup-node@v4\n");
    expect(r.stdout).toMatch(new RegExp(`      - run: npx --yes pgsafe@${packageVersion().replace(/\./g, "\\.")} db/migrations( --format github)?\\n`));
    // The file it wrote is a valid config.
    expect((await loadConfig({ cwd: root }))?.config.framework).toBe("goose");
  });

  it("points $schema at the installed package when pgsafe is a dependency", async () => {
    root = makeProject({ "node_modules/pgsafe/src/config/pgsafe.config.schema.json": "{}", "app/db/1_init.up.sql": "SELECT 1;\n", "app/db/1_init.down.sql": "SELECT 1;\n" });
    const app = join(root, "app");
    expect((await run(["init"], { cwd: app })).code).toBe(0);
    expect(readConfig(app)).toMatchObject({ $schema: "../node_modules/pgsafe/src/config/pgsafe.config.schema.json", framework: "golang-migrate" });
  });

  it("refuses to overwrite an existing config (exit 2, one line) unless --force", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ pgVersion: 16 }), "db/20240101000000_a.sql": GOOSE });
    expectConfigError(await run(["init"], { cwd: root }), "pgsafe.config.json already exists", "pgsafe init --force");
    expect(readConfig(root)).toEqual({ pgVersion: 16 });
    const forced = await run(["init", "--force"], { cwd: root });
    expect(forced.code).toBe(0);
    expect(readConfig(root)).toMatchObject({ framework: "goose", pgVersion: 15 });
  });

  it('refuses when .pgsaferc.json or package.json "pgsafe" holds the config; --force says the new file takes precedence', async () => {
    root = makeProject({ ".pgsaferc.json": "{}" });
    expectConfigError(await run(["init"], { cwd: root }), ".pgsaferc.json already exists");
    expect(existsSync(join(root, "pgsafe.config.json"))).toBe(false);
    const forced = await run(["init", "--force"], { cwd: root });
    expect(forced.stdout).toContain("It takes precedence over .pgsaferc.json");
    removeTree(root);
    root = makeProject({ "package.json": JSON.stringify({ name: "app", pgsafe: {} }) });
    expectConfigError(await run(["init"], { cwd: root }), 'package.json already has a "pgsafe" key');
  });

  it("writes framework auto and lints . when no tool is recognised", async () => {
    root = makeProject({});
    const r = await run(["init"], { cwd: root });
    expect(r.code).toBe(0);
    expect(readConfig(root)).toMatchObject({ framework: "auto" });
    expect(r.stdout).toContain("(framework: auto, no .sql files found)");
    expect(r.stdout).toContain("  npx pgsafe .\n");
    expect(r.stdout).toContain("          files: \\.sql$\n");
  });

  it("takes no paths and no lint options", async () => {
    expectConfigError(await run(["init", "db"]), '"pgsafe init" takes no paths');
    expectConfigError(await run(["init", "--format", "json"]), 'Option --format does not apply to "pgsafe init"');
    expectConfigError(await run(["db", "--force"]), 'Option --force does not apply to "pgsafe lint"');
  });
});

describe("detectProjectFramework", () => {
  it("asks the per-file detection, and the tool most files belong to wins", async () => {
    root = makeProject({
      "db/migration/V1__init.sql": "CREATE TABLE a (id bigint);\n",
      "db/migration/V2__more.sql": "CREATE TABLE b (id bigint);\n",
      "prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE c (id bigint);\n",
      "seeds/data.sql": "INSERT INTO a VALUES (1);\n",
    });
    expect(await detectProjectFramework(root)).toMatchObject({ framework: "flyway", migrationsDir: "db/migration" });
  });

  it("finds Prisma's migrations folder above the per-migration folders", async () => {
    root = makeProject({ "prisma/migrations/20240101000000_init/migration.sql": "SELECT 1;\n", "prisma/migrations/20240102000000_next/migration.sql": "SELECT 1;\n" });
    expect(await detectProjectFramework(root)).toMatchObject({ framework: "prisma", migrationsDir: "prisma/migrations" });
  });

  it("falls back to marker files for tools that keep no SQL (Alembic, Django)", async () => {
    root = makeProject({ "alembic.ini": "[alembic]\n" });
    expect(await detectProjectFramework(root)).toMatchObject({ framework: "alembic", evidence: "alembic.ini" });
    removeTree(root);
    root = makeProject({ "manage.py": "#!/usr/bin/env python\n" });
    mkdirSync(join(root, "sql"));
    writeFileSync(join(root, "sql", "0001.sql"), "SELECT 1;\n");
    expect(await detectProjectFramework(root)).toMatchObject({ framework: "django", evidence: "manage.py", migrationsDir: "sql" });
  });
});
