/** Where pgsafe's documentation lives. */
export const REPOSITORY_URL = "https://github.com/pgsafe/pgsafe";

export function ruleDocsUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${ruleId}.md`;
}
